-- Managers sign in to the dashboard (/manager) and read their own tenant's reports. They are not
-- agents: they take no calls, have no state, and an agent's sign-in never opens the dashboard.
CREATE TABLE "manager" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    -- Unique across tenants, as agents' are: a manager signs in with it alone.
    "username" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    -- scrypt$N$r$p$salt$hash (base64url); never the password.
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manager_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "manager_username_key" ON "manager"("username");
CREATE INDEX "manager_tenant_id_idx" ON "manager"("tenant_id");

-- A signed-in browser: the cookie holds a random token, the table only its SHA-256.
CREATE TABLE "manager_session" (
    "token_sha256" TEXT NOT NULL,
    "manager_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "manager_session_pkey" PRIMARY KEY ("token_sha256"),
    CONSTRAINT "manager_session_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "manager"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "manager_session_manager_id_idx" ON "manager_session"("manager_id");
