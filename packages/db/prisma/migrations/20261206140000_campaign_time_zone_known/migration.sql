-- A campaign's zone is read by the database (AT TIME ZONE, for the SLA report's local hours) as well
-- as by the services: one the database does not know would fail every report of the tenant. Intake
-- checks a lead's zone against the list both know; campaigns, written by operators' tooling and
-- seeds, are checked here, by the database itself. NOT VALID: rows already stored are not re-read.
CREATE FUNCTION pronto_is_time_zone(zone text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  PERFORM now() AT TIME ZONE zone;
  RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END $$;

ALTER TABLE campaign ADD CONSTRAINT campaign_time_zone_known CHECK (pronto_is_time_zone(time_zone)) NOT VALID;
