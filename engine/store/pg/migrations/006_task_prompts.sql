-- Version 6: task prompts. When `elva serve` has [notifications] configured, each open user task
-- is announced once by mail to its assignee (else its candidate users and groups); prompted_at
-- says when. Tasks already open when this version is applied count as announced.
ALTER TABLE user_tasks ADD COLUMN prompted_at timestamptz;
UPDATE user_tasks SET prompted_at = now();
CREATE INDEX user_tasks_unprompted ON user_tasks (created_at) WHERE prompted_at IS NULL AND state = 'open';
