-- Signatures of state-changing requests already taken, so that a captured request cannot be sent
-- again inside the 300 s timestamp window (a DELETE /v1/dnc/{phone} replayed after the number was
-- listed again). Kept in the database so that every instance agrees; a row is worthless once its
-- timestamp is out of the window, and a periodic sweep deletes it then.
CREATE TABLE "used_signature" (
    -- SHA-256 (hex) of the key id and the matching HMAC: never the body, nothing that signs anything.
    "signature_hash" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key_id" TEXT NOT NULL,
    -- The signed timestamp plus the window and a margin for clocks that differ between instances.
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "used_signature_pkey" PRIMARY KEY ("signature_hash")
);
CREATE INDEX "used_signature_expires_at_idx" ON "used_signature"("expires_at");
