-- The calls a dialer placed, one row per attempt, written when the call is placed and again when it
-- ends: an originate delivered again (after a dialer restart, or to another dialer instance) finds
-- its attempt here and places no second call. Rows are deleted a week after the call was placed.
CREATE TABLE "dialer_call" (
    "attempt_id" UUID NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "outcome" TEXT,

    CONSTRAINT "dialer_call_pkey" PRIMARY KEY ("attempt_id")
);

CREATE INDEX "dialer_call_placed_at_idx" ON "dialer_call"("placed_at");
