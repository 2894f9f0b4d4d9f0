-- Task prompts that help (docs/api.md#mail). Each user chooses a mail per new task, one
-- daily digest of their open tasks, or no mails; quiet hours in their time zone hold mails back
-- until they end. A task is reminded of once: at its follow-up date, else some time before its
-- due date ([notifications] remind_before). NULL settings are the server's [notifications].
CREATE TABLE prompt_settings (
  user_id        text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  mode           text NOT NULL DEFAULT 'each' CHECK (mode IN ('each', 'digest', 'none')),
  digest_at      time,
  quiet_hours    text CHECK (quiet_hours ~ '^([0-9]{2}:[0-9]{2}(:[0-9]{2})?-[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$'),
  time_zone      text NOT NULL DEFAULT '',
  last_digest_at timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE user_tasks ADD COLUMN reminded_at timestamptz;
CREATE INDEX user_tasks_remind_due ON user_tasks (due) WHERE reminded_at IS NULL AND state = 'open';
CREATE INDEX user_tasks_remind_follow_up ON user_tasks (follow_up)
  WHERE reminded_at IS NULL AND state = 'open';

-- Mails held back by quiet hours or tried again after a failure; sent from not_before on, if
-- the task is still open and still the recipient's by then.
CREATE TABLE prompt_queue (
  task_key   bigint NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('new', 'reminder')),
  user_id    text NOT NULL,
  not_before timestamptz NOT NULL,
  attempts   int NOT NULL DEFAULT 0,
  PRIMARY KEY (task_key, kind, user_id)
);
CREATE INDEX prompt_queue_due ON prompt_queue (not_before);

-- When the quiet hours ("HH:MM-HH:MM", may span midnight; '' or NULL none) in time zone `tz`
-- that contain `at` end; NULL when `at` is not within them.
CREATE FUNCTION elva_quiet_until(quiet text, tz text, at timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  local timestamp;
  t time;
  q_from time;
  q_to time;
BEGIN
  IF quiet IS NULL OR quiet = '' THEN
    RETURN NULL;
  END IF;
  local := at AT TIME ZONE tz;
  t := local::time;
  q_from := split_part(quiet, '-', 1)::time;
  q_to := split_part(quiet, '-', 2)::time;
  IF q_from < q_to THEN
    IF t >= q_from AND t < q_to THEN
      RETURN (local::date + q_to) AT TIME ZONE tz;
    END IF;
  ELSIF q_from > q_to THEN
    IF t >= q_from THEN
      RETURN ((local::date + 1) + q_to) AT TIME ZONE tz;
    ELSIF t < q_to THEN
      RETURN (local::date + q_to) AT TIME ZONE tz;
    END IF;
  END IF;
  RETURN NULL;
END $$;
