-- The SLA report's rollup of closed hours: report_lead summed by the UTC hour of
-- COALESCE(due_at, first_seen_at), so a month's report reads a few thousand rows per day instead of
-- every lead. An hour whose end has passed has no open lead, so its figures no longer depend on the
-- report's "now"; they change only when a fact arrives for one of its leads, which marks it dirty.

-- Leads per hour, campaign, local hour of the anchor (groupBy=hour) and what happened to them.
CREATE TABLE "report_rollup" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    -- The start of the UTC hour of COALESCE(due_at, first_seen_at).
    "hour" TIMESTAMPTZ(3) NOT NULL,
    -- The hour of the anchor in the lead's zone (else the campaign's); null without an anchor.
    "local_hour" SMALLINT,
    -- met, breached, suppressed or no_sla (an hour that has ended has no open lead).
    "result" TEXT NOT NULL,
    -- The breach's reason; null unless breached.
    "reason" TEXT,
    "first_in_sla" BOOLEAN NOT NULL,
    "contacted" BOOLEAN NOT NULL,
    "leads" INTEGER NOT NULL
);
CREATE INDEX "report_rollup_hour_idx" ON "report_rollup"("tenant_id", "hour");

-- How many eligible leads of the hour were first dialed / contacted in each whole second after their
-- anchor (ceil of the milliseconds / 1000): the exact nearest-rank percentiles come from their sums.
CREATE TABLE "report_rollup_speed" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "local_hour" SMALLINT,
    "seconds" INTEGER NOT NULL,
    "first_dials" INTEGER NOT NULL,
    "contacts" INTEGER NOT NULL
);
CREATE INDEX "report_rollup_speed_hour_idx" ON "report_rollup_speed"("tenant_id", "hour");

-- The same per UTC day, without the local hour: a month's percentiles (no slices, or by campaign)
-- read about 30 days' rows instead of 720 hours'. A day's row is the sum of its hours' rows.
CREATE TABLE "report_rollup_speed_day" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "first_dials" INTEGER NOT NULL,
    "contacts" INTEGER NOT NULL
);
CREATE INDEX "report_rollup_speed_day_idx" ON "report_rollup_speed_day"("tenant_id", "day");

-- And per UTC day with the local hour, for groupBy=hour.
CREATE TABLE "report_rollup_speed_day_local" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "local_hour" SMALLINT,
    "seconds" INTEGER NOT NULL,
    "first_dials" INTEGER NOT NULL,
    "contacts" INTEGER NOT NULL
);
CREATE INDEX "report_rollup_speed_day_local_idx" ON "report_rollup_speed_day_local"("tenant_id", "day");

-- Hours whose report_lead rows changed since they were last summed. One mark per hour and writing
-- transaction: a mark made by a transaction still in flight is its own row, so the refresher, which
-- deletes the marks it sees and then sums the hours, never deletes a mark whose change it cannot see.
CREATE TABLE "report_rollup_dirty" (
    "tenant_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "xact" BIGINT NOT NULL DEFAULT txid_current(),

    CONSTRAINT "report_rollup_dirty_pkey" PRIMARY KEY ("tenant_id", "hour", "xact")
);

-- Existing rows: every hour they fall in is dirty; the first refresh sums them.
INSERT INTO "report_rollup_dirty" ("tenant_id", "hour")
SELECT DISTINCT "tenant_id",
       date_bin('1 hour', COALESCE("due_at", "first_seen_at"), TIMESTAMPTZ '1970-01-01 00:00:00+00')
  FROM "report_lead";
