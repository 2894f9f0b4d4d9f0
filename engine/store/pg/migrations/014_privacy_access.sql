-- The access log (docs/privacy.md#access-log): every read of a case's personal or sensitive
-- values by a person (the REST API and so the cockpit, a task opened in the task list, `elva
-- instance`), so that a data subject's right of access (GDPR Art. 15) is answered with who read
-- what. A row names the variables read, never their values, and not the subject: the subject's
-- cases are found as an erasure finds them.
CREATE TABLE privacy_access (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  instance_id bigint NOT NULL,
  variables   text[] NOT NULL,
  via         text NOT NULL
);
CREATE INDEX privacy_access_by_instance ON privacy_access (instance_id, at);
