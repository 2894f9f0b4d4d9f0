-- Version 5: user tasks as people work them, who those people are, and the forms they fill.

-- User tasks: the assignment the runtime evaluated (FEEL or literal), claims, and the end of the
-- task. Rows stay after the task ends (state completed/cancelled): they are the task history the
-- API answers "already completed by anna" from. `revision` counts changes (claim, delegate,
-- end): the ETag of a task read.
ALTER TABLE user_tasks
  ALTER COLUMN candidate_groups DROP DEFAULT,
  ALTER COLUMN candidate_groups TYPE text[]
    USING CASE WHEN candidate_groups = '' THEN '{}'::text[] ELSE string_to_array(candidate_groups, ',') END,
  ALTER COLUMN candidate_groups SET DEFAULT '{}',
  ADD COLUMN candidate_users text[] NOT NULL DEFAULT '{}',
  ADD COLUMN process_name    text NOT NULL DEFAULT '',
  ADD COLUMN documentation   text NOT NULL DEFAULT '',
  ADD COLUMN business_key    text NOT NULL DEFAULT '',
  ADD COLUMN due             timestamptz,
  ADD COLUMN follow_up       timestamptz,
  ADD COLUMN priority        int NOT NULL DEFAULT 50,
  ADD COLUMN state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completed', 'cancelled')),
  ADD COLUMN claimed_at      timestamptz,
  ADD COLUMN ended_at        timestamptz,
  ADD COLUMN ended_by        text NOT NULL DEFAULT '',
  ADD COLUMN revision        int NOT NULL DEFAULT 1;
DROP INDEX user_tasks_by_assignee;
CREATE INDEX user_tasks_open_by_assignee ON user_tasks (assignee, due) WHERE state = 'open';
CREATE INDEX user_tasks_open_by_group ON user_tasks USING gin (candidate_groups) WHERE state = 'open';
CREATE INDEX user_tasks_open_by_due ON user_tasks (due) WHERE state = 'open';

-- People and systems. Users come from a file (`elva users import`) or the HR system; groups are
-- names on the user (organisation units, "managers", ...). A password is only ever stored as an
-- Argon2id hash (libsodium crypto_pwhash_str); an empty hash cannot log in with a password.
-- Roles: employee (own and group tasks), developer (deploys, reads instances), admin
-- (everything), worker (external-task API for systems).
CREATE TABLE users (
  id            text PRIMARY KEY,
  name          text NOT NULL DEFAULT '',
  email         text NOT NULL DEFAULT '',
  password_hash text NOT NULL DEFAULT '',
  roles         text[] NOT NULL DEFAULT '{employee}',
  groups        text[] NOT NULL DEFAULT '{}',
  locale        text NOT NULL DEFAULT '',
  source        text NOT NULL DEFAULT 'file',
  disabled      boolean NOT NULL DEFAULT false,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens: sessions from logging in, and API tokens for systems. Only a SHA-256 of the
-- token is stored; the token itself is shown once, when it is made.
CREATE TABLE tokens (
  hash       text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('session', 'api')),
  name       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz                        -- NULL: until revoked
);
CREATE INDEX tokens_by_user ON tokens (user_id);

-- Forms (Camunda Forms / form-js JSON) deployed next to the processes, versioned like them by
-- the form's id; a task's form key names one by id or file name.
CREATE TABLE forms (
  id            bigserial PRIMARY KEY,
  form_id       text NOT NULL,
  version       int NOT NULL,
  deployment_id bigint NOT NULL REFERENCES deployments,
  file          text NOT NULL,
  schema        jsonb NOT NULL,
  hash          text NOT NULL,
  deployed_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (form_id, version)
);
CREATE INDEX forms_by_file ON forms (file);

-- Times as the API shows them: ISO 8601 in UTC with milliseconds (NULL stays NULL).
CREATE FUNCTION elva_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
