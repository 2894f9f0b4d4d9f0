-- Version 2: elva_conflict() aborts the statement that calls it with a serialization failure
-- (SQLSTATE 40001). A batch write is one statement; when its version-checked UPDATE of
-- instances changed fewer rows than expected, calling this undoes the whole statement, so a
-- batch written outside an explicit transaction is still all or nothing, and the engine retries.
CREATE FUNCTION elva_conflict() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an instance changed concurrently' USING ERRCODE = '40001';
END $$;
