-- The in-process bus: a durable log per topic, split into partitions by ordering key, and each
-- consumer group's position in every partition (what Kafka keeps in its log and offsets topic).
CREATE TABLE "bus_message" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bus_message_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "bus_offset" (
    "consumer_group" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bus_offset_pkey" PRIMARY KEY ("consumer_group", "topic", "partition")
);

CREATE INDEX "bus_message_topic_partition_id_idx" ON "bus_message"("topic", "partition", "id");

-- A tenant's do-not-call list: numbers its people asked not to be called on, in E.164.
CREATE TABLE "dnc_entry" (
    "tenant_id" UUID NOT NULL,
    "phone_e164" TEXT NOT NULL,
    "reason" TEXT,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dnc_entry_pkey" PRIMARY KEY ("tenant_id", "phone_e164")
);

ALTER TABLE "dnc_entry" ADD CONSTRAINT "dnc_entry_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
