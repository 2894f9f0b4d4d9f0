-- Elva's schema, version 1. Described once here; engine/store/pg/pg_store.hpp links to it.
-- Times the runtime computes (due times, expiries) are bigint milliseconds since the epoch, as
-- the runtime's injected clock counts them; audit times are timestamptz.

-- What `elva deploy` received, and by whom.
CREATE TABLE deployments (
  id          bigserial PRIMARY KEY,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  deployed_by text NOT NULL,
  files       jsonb NOT NULL                    -- ["processes/personnel-change.bpmn", ...]
);

-- Versioned process definitions. The BPMN source is kept: instances of every version run from
-- it, and a definition is never changed, only followed by a new version.
CREATE TABLE definitions (
  id            bigserial PRIMARY KEY,
  process_id    text NOT NULL,
  version       int NOT NULL,
  name          text NOT NULL DEFAULT '',
  deployment_id bigint NOT NULL REFERENCES deployments,
  file          text NOT NULL,                  -- the file name it was deployed from
  source        text NOT NULL,                  -- the whole BPMN file
  hash          text NOT NULL,                  -- of source: an unchanged file makes no new version
  deployed_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (process_id, version)
);

-- Message, signal and timer start events of the latest version of each process.
CREATE TABLE start_events (
  definition_id bigint NOT NULL REFERENCES definitions,
  process_id    text NOT NULL,
  element_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('message', 'signal', 'timer')),
  name          text NOT NULL DEFAULT '',        -- message or signal name
  PRIMARY KEY (definition_id, element_id)
);
CREATE INDEX start_events_by_name ON start_events (kind, name);

-- Process instances: the runtime's state as a snapshot (runtime/state_json.hpp) with an
-- optimistic version; every command checks the version it read (UPDATE ... WHERE version = $n).
CREATE TABLE instances (
  id             bigint PRIMARY KEY,
  definition_id  bigint NOT NULL REFERENCES definitions,
  process_id     text NOT NULL,
  business_key   text NOT NULL DEFAULT '',
  status         text NOT NULL CHECK (status IN ('active', 'completed', 'terminated')),
  version        bigint NOT NULL,
  state          jsonb NOT NULL,
  variables      jsonb NOT NULL,                -- the process variables (also inside state)
  parent_id      bigint,                        -- the calling instance, for call activities
  parent_element bigint,
  started_at     timestamptz NOT NULL DEFAULT now(),
  ended_at       timestamptz
);
CREATE INDEX instances_by_process ON instances (process_id, status);
CREATE INDEX instances_by_parent ON instances (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX instances_by_business_key ON instances (business_key) WHERE business_key <> '';

-- Work for connectors and workers. Acquired with FOR UPDATE SKIP LOCKED and a lease
-- (locked_by, lock_until); a lease that runs out makes the job available again.
CREATE TABLE jobs (
  key              bigint PRIMARY KEY,
  instance_id      bigint NOT NULL,
  element_instance bigint NOT NULL,
  element_id       text NOT NULL,
  type             text NOT NULL,
  retries          int NOT NULL,
  due              bigint NOT NULL,             -- not before (retry backoff)
  locked_by        text NOT NULL DEFAULT '',
  lock_until       bigint NOT NULL DEFAULT 0,
  input            jsonb NOT NULL
);
CREATE INDEX jobs_due ON jobs (due);

-- Timers of instances, and of timer start events (instance_id NULL).
CREATE TABLE timers (
  key           bigint PRIMARY KEY,
  instance_id   bigint,
  definition_id bigint NOT NULL,
  element_id    text NOT NULL,
  due           bigint NOT NULL,
  fired         int NOT NULL DEFAULT 0,
  locked_by     text NOT NULL DEFAULT '',
  lock_until    bigint NOT NULL DEFAULT 0
);
CREATE INDEX timers_due ON timers (due);

-- Open message and signal catches of instances (conditional ones stay inside the snapshot).
CREATE TABLE subscriptions (
  key             bigint PRIMARY KEY,
  instance_id     bigint NOT NULL,
  element_id      text NOT NULL,
  signal          boolean NOT NULL,
  name            text NOT NULL,
  correlation_key text NOT NULL DEFAULT ''
);
CREATE INDEX subscriptions_by_name ON subscriptions (name, correlation_key);
CREATE INDEX subscriptions_by_instance ON subscriptions (instance_id);

-- Published messages that found no subscription yet, kept until they expire.
CREATE TABLE messages (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL,
  correlation_key text NOT NULL DEFAULT '',
  variables       jsonb NOT NULL,
  published_at    timestamptz NOT NULL DEFAULT now(),
  expires         bigint NOT NULL
);
CREATE INDEX messages_by_name ON messages (name, correlation_key);

CREATE TABLE incidents (
  key              bigint PRIMARY KEY,
  instance_id      bigint NOT NULL,
  element_instance bigint NOT NULL,
  element_id       text NOT NULL,
  message          text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  resolved_by      text
);
CREATE INDEX incidents_open ON incidents (instance_id) WHERE resolved_at IS NULL;

-- The append-only audit log: every element transition, variable change, incident and
-- operator action, with who (actor) and when. Never updated; deleted only by retention.
CREATE TABLE history (
  id          bigserial PRIMARY KEY,
  instance_id bigint NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  kind        text NOT NULL,                    -- started, activated, completed, variables, ...
  element_id  text NOT NULL DEFAULT '',
  data        jsonb
);
CREATE INDEX history_by_instance ON history (instance_id, id);

-- Keys (instances, element instances, jobs, timers ...) come in blocks of 4096 per nextval,
-- so that a node hands out keys without a round trip each.
CREATE SEQUENCE key_blocks START 1;
