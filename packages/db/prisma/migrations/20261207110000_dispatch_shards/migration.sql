-- Dispatcher instances share the agents out by shard (an agent's shard: the last byte of its id
-- modulo the shard count) so that they stop racing for the same agents. Each shard is leased by one
-- instance until `expires_at`; an instance renews its leases while it runs, and another takes a
-- shard over once its lease has expired. Row locks and the unique indexes on "attempt" still decide
-- every race; the leases only keep instances out of each other's way.
CREATE TABLE "dispatch_shard" (
    "shard" INTEGER NOT NULL,
    "holder" TEXT,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "dispatch_shard_pkey" PRIMARY KEY ("shard")
);

-- The running dispatcher instances, each until its lease ends: every instance takes a fair share of
-- the shards, the shard count divided by the instances alive.
CREATE TABLE "dispatch_instance" (
    "id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dispatch_instance_pkey" PRIMARY KEY ("id")
);

INSERT INTO "dispatch_shard" ("shard") SELECT generate_series(0, 31);
