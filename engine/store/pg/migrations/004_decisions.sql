-- Version 4: DMN decisions, deployed with the processes and versioned per decision id. The whole
-- DMN file is kept as the source; business rule tasks use the latest version of a decision.
CREATE TABLE decisions (
  id            bigserial PRIMARY KEY,
  decision_id   text NOT NULL,
  version       int NOT NULL,
  name          text NOT NULL DEFAULT '',
  deployment_id bigint NOT NULL REFERENCES deployments,
  file          text NOT NULL,
  source        text NOT NULL,
  hash          text NOT NULL,
  deployed_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (decision_id, version)
);
