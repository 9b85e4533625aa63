-- The history of agent states, which login time and occupancy need: the agent row holds only the
-- state it is in now. A trigger records each state an agent leaves, so every writer of agent.state
-- (the dispatcher's setAgentState and its offer round) is covered without knowing of it.
CREATE TABLE "agent_state_span" (
    "id" BIGSERIAL NOT NULL,
    "agent_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "state" TEXT NOT NULL,
    -- Why the agent was paused (a paused span only).
    "pause_reason" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_state_span_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "agent_state_span_period_idx" ON "agent_state_span"("tenant_id", "started_at");

-- The span the agent leaves runs from the old state_since to the new one (the time of the change).
-- The state it enters is still open: the agent row itself says so until the next change.
CREATE FUNCTION "record_agent_state_span"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state_since > OLD.state_since THEN
        INSERT INTO "agent_state_span" ("agent_id", "tenant_id", "state", "pause_reason", "started_at", "ended_at")
        VALUES (OLD.id, OLD.tenant_id, OLD.state,
                CASE WHEN OLD.state = 'paused' THEN OLD.pause_reason END,
                OLD.state_since, NEW.state_since);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "agent_state_span_on_change"
    AFTER UPDATE OF "state" ON "agent"
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION "record_agent_state_span"();

-- One NPS survey per contacted attempt (attempt_id is unique: a redelivered lead event asks once).
CREATE TABLE "survey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "agent_id" UUID,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    -- After this a reply is refused (410): the question was about a call the person may not recall.
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    -- 0-10; null until answered. The first answer stands.
    "score" INTEGER,
    "comment" TEXT,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "survey_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "survey_score_range" CHECK ("score" BETWEEN 0 AND 10)
);

CREATE UNIQUE INDEX "survey_attempt_id_key" ON "survey"("attempt_id");
CREATE INDEX "survey_tenant_requested_idx" ON "survey"("tenant_id", "requested_at");

-- The KPI report reads the contacts of a period by the end of their call.
CREATE INDEX "attempt_contact_ended_idx" ON "attempt"("ended_at") WHERE "outcome" = 'contacted';
