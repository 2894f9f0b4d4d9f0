-- Version 3: open user tasks as rows, for task lists: one per waiting user task (the element
-- instance), written and removed in the same statement as the instance's step. Assignment
-- columns hold literal values from the BPMN; expressions are evaluated by the task list's issue.
CREATE TABLE user_tasks (
  key              bigint PRIMARY KEY,
  instance_id      bigint NOT NULL,
  process_id       text NOT NULL,
  element_id       text NOT NULL,
  name             text NOT NULL DEFAULT '',
  assignee         text NOT NULL DEFAULT '',
  candidate_groups text NOT NULL DEFAULT '',
  form_key         text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tasks_by_instance ON user_tasks (instance_id);
CREATE INDEX user_tasks_by_assignee ON user_tasks (assignee) WHERE assignee <> '';
