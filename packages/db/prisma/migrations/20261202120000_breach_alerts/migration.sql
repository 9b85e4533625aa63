-- Breach alerts (services/reporting/src/alerts): where a tenant wants them, what each campaign
-- watches, and every alert with its delivery state. The timers are columns, so a restart (or a kill -9)
-- neither loses a retry nor sends one twice.

-- One webhook per tenant: a table rather than columns on "tenant", so that the tenant model (read on
-- every signed request) stays as it is and a tenant without alerts has no row at all.
CREATE TABLE "alert_webhook" (
    "tenant_id" UUID NOT NULL,
    -- https, or http to a loopback address only.
    "url" TEXT NOT NULL,
    -- The tenant's API key whose current secret signs the alerts (the one that set the webhook).
    "key_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    -- Leads due before this time are never alerted: setting a webhook does not flood it with the past.
    "since" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_webhook_pkey" PRIMARY KEY ("tenant_id")
);

-- A campaign's attainment alert: its threshold and the state last alerted, in one row, so that a
-- restart neither repeats an alert nor forgets that the campaign is below its threshold. A table
-- beside "campaign" rather than columns on it: the campaign model, which every service reads, is unchanged.
CREATE TABLE "alert_campaign" (
    "campaign_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    -- Alert when the live window's attainment falls below this share (0..1); null: no attainment alert.
    "attainment_below" NUMERIC(5,4),
    -- The live window needs this many eligible leads before its ratio means anything.
    "min_eligible" INTEGER NOT NULL DEFAULT 5,
    -- Whether the last alert said "below" (true) or "recovered" (false), and how many times it fell below.
    "below" BOOLEAN NOT NULL DEFAULT false,
    "episode" INTEGER NOT NULL DEFAULT 0,
    "changed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_campaign_pkey" PRIMARY KEY ("campaign_id"),
    CONSTRAINT "alert_campaign_attainment_below_check" CHECK ("attainment_below" >= 0 AND "attainment_below" <= 1),
    CONSTRAINT "alert_campaign_min_eligible_check" CHECK ("min_eligible" >= 1)
);

-- Every alert, once (dedupe_key), and where its delivery stands.
CREATE TABLE "alert_delivery" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    -- lead.breached, attainment.below_threshold, attainment.recovered.
    "kind" TEXT NOT NULL,
    -- What makes two alerts the same one (the lead, or the campaign's episode).
    "dedupe_key" TEXT NOT NULL,
    -- json, not jsonb: every try sends the body as it was raised, byte for byte, fields in their order.
    "payload" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    -- When a sender may take it next (also the end of a sender's claim); null once delivered or given up.
    "next_attempt_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "last_status" INTEGER,
    "last_error" TEXT,
    "gave_up_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "alert_delivery_dedupe_key_key" ON "alert_delivery"("dedupe_key");
-- Hand-written: Prisma cannot express a partial index. Senders look only at alerts still to send.
CREATE INDEX "alert_delivery_due_idx" ON "alert_delivery"("next_attempt_at") WHERE "next_attempt_at" IS NOT NULL;
CREATE INDEX "alert_delivery_tenant_idx" ON "alert_delivery"("tenant_id", "created_at");
