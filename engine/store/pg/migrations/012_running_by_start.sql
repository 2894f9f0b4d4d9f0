-- The cockpit's instance search (GET /api/instances, docs/operations.md#cockpit) lists running
-- instances newest first. Without this index PostgreSQL walks every instance of a process by
-- start time to find 50 running ones, which at a million completed instances takes a second
-- when few or none match (a search by element or for incidents). Running instances are few, so
-- the index is small; it changes only when an instance starts or ends.
CREATE INDEX instances_running_by_process_started ON instances (process_id, started_at)
  WHERE status = 'active';
