-- The agent gateway's instances and the agents connected to each, so that an agent whose gateway
-- died (kill -9, a lost machine) is taken offline by the dispatcher within the instance's lease,
-- rather than staying available until its offers time out. An instance renews `expires_at` every
-- few seconds; the dispatcher's presence sweep takes offline the agents whose only rows belong to
-- instances past it, then deletes those rows and instances.
CREATE TABLE "gateway_instance" (
    "id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_instance_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "gateway_instance_expires_at_idx" ON "gateway_instance"("expires_at");

-- One row per agent and gateway instance holding its socket: written before the agent's `online`,
-- deleted after its `offline`.
CREATE TABLE "agent_presence" (
    "agent_id" UUID NOT NULL,
    "gateway_instance_id" TEXT NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_presence_pkey" PRIMARY KEY ("agent_id", "gateway_instance_id")
);

CREATE INDEX "agent_presence_gateway_instance_id_idx" ON "agent_presence"("gateway_instance_id");
