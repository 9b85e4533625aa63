-- The embedded runtime's short path: on the embedded database (one connection, so a row's id is in
-- commit order) a service's outbox row need not wait for a relay to copy it into the in-process
-- bus's log; with the session setting pronto.outbox_direct = 'on' the row is written into bus_message
-- in the writer's own transaction instead (and not into outbox). Off, as on PostgreSQL, where
-- concurrent writers commit out of id order, nothing changes: the WHEN clause skips the trigger.

-- The in-process bus's partition of a key (partition-for.ts): FNV-1a over the key's UTF-16 code
-- units, modulo the partition count; equal to the JavaScript for every key.
CREATE FUNCTION pronto_partition_for(key text, partitions int) RETURNS int
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  hash bigint := 2166136261;
  ch text;
  code int;
BEGIN
  FOREACH ch IN ARRAY string_to_array(key, NULL) LOOP
    code := ascii(ch);
    IF code > 65535 THEN
      hash := ((hash # (55296 + ((code - 65536) >> 10))) * 16777619) & 4294967295;
      hash := ((hash # (56320 + ((code - 65536) & 1023))) * 16777619) & 4294967295;
    ELSE
      hash := ((hash # code) * 16777619) & 4294967295;
    END IF;
  END LOOP;
  RETURN hash % partitions;
END $$;

CREATE FUNCTION pronto_outbox_direct() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bus_message (topic, partition, key, message)
  VALUES (NEW.topic, pronto_partition_for(NEW.key, current_setting('pronto.bus_partitions')::int),
          NEW.key, NEW.message);
  RETURN NULL;
END $$;

CREATE TRIGGER outbox_direct BEFORE INSERT ON outbox FOR EACH ROW
  WHEN (current_setting('pronto.outbox_direct', true) = 'on')
  EXECUTE FUNCTION pronto_outbox_direct();
