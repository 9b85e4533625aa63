-- Call timings and telephony ids of an attempt, as the dialer reports them (Asterisk: the agent's
-- leg answered, the person's phone rang, who hung up and the Q.850 cause). unique_id / linked_id
-- stay the agent's leg (the call's Linkedid); the person's leg has its own Uniqueid.
ALTER TABLE "attempt"
  ADD COLUMN "agent_answered_at" TIMESTAMPTZ(3),
  ADD COLUMN "ringing_at" TIMESTAMPTZ(3),
  ADD COLUMN "person_unique_id" TEXT,
  ADD COLUMN "hangup_cause_code" INTEGER,
  ADD COLUMN "hangup_by" TEXT;
