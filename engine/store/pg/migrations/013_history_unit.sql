-- The organisation as a network (docs/operations.md#network): every action a person takes is
-- recorded with the organisational unit they belonged to at that moment (the first of their
-- groups, as the HR import or the users file set it), so that a later reorganisation does not
-- rewrite who passed work to whom. Systems (the worker role) and users without groups have no
-- unit ('(no unit)' for the latter). Set by the database as the row is written: the engine's
-- writes stay as they are. Rows written before this migration have no unit and are not counted.
ALTER TABLE history ADD COLUMN unit text;

CREATE FUNCTION elva_history_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(u.groups[1], '(no unit)') INTO NEW.unit
    FROM users u WHERE u.id = substr(NEW.actor, 6) AND NOT 'worker' = ANY (u.roles);
  RETURN NEW;
END $$;

-- Only rows by a person call the function (the WHEN is evaluated without it).
CREATE TRIGGER history_unit BEFORE INSERT ON history FOR EACH ROW
  WHEN (NEW.actor LIKE 'user:%' AND NEW.kind IN ('started', 'completed'))
  EXECUTE FUNCTION elva_history_unit();
