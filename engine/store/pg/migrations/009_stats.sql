-- Version 8: indexes for the stats (`elva stats`, GET /api/stats/{process}; store/pg/pg_stats.cpp):
-- a process's instances by start and by end (with what lead times need, so the completed ones
-- are read from the index alone), its user tasks by creation.
CREATE INDEX instances_by_process_started ON instances (process_id, started_at);
CREATE INDEX instances_completed_by_process_ended ON instances (process_id, ended_at)
  INCLUDE (started_at) WHERE status = 'completed';
CREATE INDEX user_tasks_by_process_created ON user_tasks (process_id, created_at);
