-- Version 8 (issue 20, retention): what each cleanup run removed, by rule (counts only, never
-- values), and the indexes that let a cleanup find due instances and everything keyed by them
-- without scanning (docs/privacy.md).
CREATE TABLE retention_runs (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  dry_run     boolean NOT NULL,
  rules       jsonb NOT NULL                    -- [{"rule", "process", "interval", counts...}]
);
CREATE INDEX instances_ended ON instances (definition_id, ended_at) WHERE status <> 'active';
CREATE INDEX incidents_by_instance ON incidents (instance_id);
CREATE INDEX attachments_by_instance ON attachments (instance_id) WHERE instance_id IS NOT NULL;
CREATE INDEX eservice_submissions_by_instance ON eservice_submissions (instance_id)
  WHERE instance_id IS NOT NULL;
-- Erasure on request (GDPR Art. 17, `elva privacy erase`): the receipt of each erasure, who,
-- when, why and what was done (counts and instance keys), never the subject or a value.
CREATE TABLE privacy_erasures (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  reason  text NOT NULL,
  receipt jsonb NOT NULL                        -- {"instances": [...], "running": [...], counts}
);
