-- Reporting's own table: one row per lead, folded from the lead's history (the lead-events facts),
-- so the SLA report reads one table and can be rebuilt from the history at any time.
CREATE TABLE "report_lead" (
    "lead_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    -- The lead's time zone (for the hour-of-day slice), from its scoring.
    "time_zone" TEXT,
    -- When reporting first heard of the lead (suppressed leads have no anchor).
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "anchor_at" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3),
    "suppression_reason" TEXT,
    -- The first dial of the person (an agent whose own phone did not answer dialed no one).
    "first_attempt_id" TEXT,
    "first_attempt_at" TIMESTAMPTZ(3),
    "first_attempt_agent_id" TEXT,
    "first_attempt_group" TEXT,
    "contacted_at" TIMESTAMPTZ(3),
    "contact_agent_id" TEXT,
    "contact_group" TEXT,
    -- Evidence for a breach's reason: what happened before the due time.
    "dials_before_due" INTEGER NOT NULL DEFAULT 0,
    "last_dial_attempt_id" TEXT,
    "last_outcome_before_due" TEXT,
    "missed_offer_before_due" BOOLEAN NOT NULL DEFAULT false,
    "blocked_window_before_due" BOOLEAN NOT NULL DEFAULT false,
    -- The offer in progress: its group becomes the first attempt's or the contact's.
    "offer_attempt_id" TEXT,
    "offer_group" TEXT,
    "last_event" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_lead_pkey" PRIMARY KEY ("lead_id")
);

-- Hand-written: Prisma cannot express an index on an expression. A report's period is over the due
-- time, or, for a lead suppressed before it had one, over its arrival.
CREATE INDEX "report_lead_period_idx" ON "report_lead"("tenant_id", (COALESCE("due_at", "first_seen_at")));
