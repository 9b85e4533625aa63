-- Leads accepted but not yet scored, oldest first: scoring's re-drive and reporting's estimate of
-- their due time look for those older than PRONTO_REDRIVE_AFTER_SECONDS without reading every lead.
CREATE INDEX "lead_unscored_idx" ON "lead"("received_at") WHERE "score" IS NULL;
