-- "My requests" (GET /api/requests): the instances a user started, found from the history row
-- that records each start and who made it.
CREATE INDEX history_started_by ON history (actor, instance_id) WHERE kind = 'started';
