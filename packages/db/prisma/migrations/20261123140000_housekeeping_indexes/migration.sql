-- Housekeeping deletes (sent outbox rows, expired bus messages, old processed-message records)
-- find their rows by time instead of scanning the tables.

-- Hand-written: Prisma cannot express partial indexes. Only sent rows are ever deleted by time.
CREATE INDEX "outbox_sent_at_idx" ON "outbox"("sent_at") WHERE "sent_at" IS NOT NULL;

-- CreateIndex
CREATE INDEX "bus_message_published_at_idx" ON "bus_message"("published_at");

-- CreateIndex
CREATE INDEX "processed_message_processed_at_idx" ON "processed_message"("processed_at");
