-- Version 7: e-service intake. Each application (or completion) a portal sends gets a receipt
-- number; a repeated request with the same Idempotency-Key gets the same receipt and starts
-- nothing new. Attachments are stored with the submission and its instance.
CREATE TABLE eservice_receipts (
  prefix text NOT NULL,
  year   int NOT NULL,
  last   int NOT NULL,
  PRIMARY KEY (prefix, year)
);
CREATE TABLE eservice_submissions (
  receipt         text PRIMARY KEY,
  form            text NOT NULL,
  idempotency_key text,
  case_receipt    text NOT NULL DEFAULT '',
  instance_id     bigint,
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (form, idempotency_key)
);
CREATE TABLE attachments (
  id           bigserial PRIMARY KEY,
  receipt      text NOT NULL REFERENCES eservice_submissions (receipt),
  instance_id  bigint,
  name         text NOT NULL,
  content_type text NOT NULL,
  size         int NOT NULL,
  content      bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_by_receipt ON attachments (receipt);
