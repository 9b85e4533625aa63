-- Dispatch: agents and their sessions, the dispatcher's queues and timers, attempts held by agents.
-- Every timer is a column here (a lead's retry time, an offer's expiry, an attempt's deadline:
-- dialing, the call, then wrap-up), so a restarted dispatcher finds them all again.

-- Campaign: agent groups in order (the first is primary, the rest take overflow), how long an
-- offer waits for the agent, and the simulated dialer's outcome rates.
ALTER TABLE "campaign"
  ADD COLUMN "agent_groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "offer_timeout_seconds" INTEGER NOT NULL DEFAULT 20,
  ADD COLUMN "dialer_profile" JSONB NOT NULL DEFAULT '{}';

CREATE TABLE "agent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    -- scrypt$N$r$p$salt$hash (base64url); never the password.
    "password_hash" TEXT NOT NULL,
    "sip_endpoint" TEXT,
    "groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "languages" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "state" TEXT NOT NULL DEFAULT 'offline',
    "pause_reason" TEXT,
    "state_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Offers missed in a row; at the dispatcher's limit the agent is paused.
    "missed_offers" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "agent_state_check" CHECK ("state" IN ('offline', 'available', 'offered', 'dialing', 'on_call', 'wrap_up', 'paused')),
    CONSTRAINT "agent_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "agent_username_key" ON "agent"("username");
CREATE INDEX "agent_available_idx" ON "agent"("tenant_id", "state_since") WHERE "state" = 'available';

-- A signed-in browser: the cookie holds a random token, the table only its SHA-256.
CREATE TABLE "agent_session" (
    "token_sha256" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "agent_session_pkey" PRIMARY KEY ("token_sha256"),
    CONSTRAINT "agent_session_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "agent_session_agent_id_idx" ON "agent_session"("agent_id");

-- Lead: dials made (the caps count them), the retry timer, and the agent's disposition.
ALTER TABLE "lead"
  ADD COLUMN "attempt_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3),
  ADD COLUMN "disposition" JSONB;
CREATE INDEX "lead_queue_idx" ON "lead"("campaign_id", "due_at") WHERE "status" = 'queued';
CREATE INDEX "lead_retry_timer_idx" ON "lead"("next_attempt_at") WHERE "status" = 'waiting_retry';

-- Attempt: an agent holds it from the offer until `released_at` (a miss, a reject, a call that did
-- not connect, or the disposition after a contact).
ALTER TABLE "attempt" ALTER COLUMN "agent_id" TYPE UUID USING "agent_id"::uuid;
ALTER TABLE "attempt"
  ADD COLUMN "campaign_id" UUID,
  ADD COLUMN "agent_group" TEXT,
  -- Where the attempt is: offered, dialing, ringing, connected, wrap_up, ended.
  ADD COLUMN "stage" TEXT,
  ADD COLUMN "offer_expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "accepted_at" TIMESTAMPTZ(3),
  ADD COLUMN "dial_deadline_at" TIMESTAMPTZ(3),
  ADD COLUMN "released_at" TIMESTAMPTZ(3),
  ADD COLUMN "end_reason" TEXT,
  ADD COLUMN "disposition" JSONB,
  ADD CONSTRAINT "attempt_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- One lead is held by at most one agent, and one agent holds at most one lead: whichever
-- dispatcher instance commits second gets a unique violation, not a double offer.
CREATE UNIQUE INDEX "attempt_one_holder_per_lead" ON "attempt"("lead_id") WHERE "released_at" IS NULL;
CREATE UNIQUE INDEX "attempt_one_lead_per_agent" ON "attempt"("agent_id") WHERE "released_at" IS NULL;
CREATE INDEX "attempt_offer_timer_idx" ON "attempt"("offer_expires_at") WHERE "released_at" IS NULL AND "accepted_at" IS NULL;
CREATE INDEX "attempt_deadline_idx" ON "attempt"("dial_deadline_at") WHERE "released_at" IS NULL AND "dial_deadline_at" IS NOT NULL;
CREATE INDEX "attempt_lead_dialed_idx" ON "attempt"("lead_id", "dialed_at");

-- Outbox rows carry the relay that publishes them: scoring and the dispatcher both write
-- `lead-events`, and each relays only its own rows.
ALTER TABLE "outbox" ADD COLUMN "relay" TEXT NOT NULL DEFAULT 'main';
