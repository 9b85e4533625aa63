-- Administration without SQL: tenants that can be disabled, operator keys for the admin API, admins
-- beside managers, accounts that can be disabled, agent groups as their own rows, and the audit log.

-- A disabled tenant's keys answer 401 and its leads are not dispatched.
ALTER TABLE tenant ADD COLUMN disabled_at TIMESTAMPTZ(3);

-- A client's API key may carry a name (what it is for); its secret stays sealed with the master key.
ALTER TABLE api_key ADD COLUMN name TEXT;

-- Keys for the admin API (/v1/admin): `admin` for the whole installation (tenant_id NULL), `manager`
-- for one tenant. Apart from the clients' event keys: a key that sends events cannot administer.
CREATE TABLE operator_key (
  id                TEXT PRIMARY KEY,
  role              TEXT NOT NULL CHECK (role IN ('admin', 'manager')),
  tenant_id         UUID REFERENCES tenant (id),
  name              TEXT,
  secret_ciphertext TEXT NOT NULL,
  created_at        TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  revoked_at        TIMESTAMPTZ(3),
  CONSTRAINT operator_key_scope CHECK ((role = 'admin') = (tenant_id IS NULL))
);
CREATE INDEX operator_key_tenant_idx ON operator_key (tenant_id);

-- The console's people: a manager acts for one tenant, an admin for the installation (no tenant).
ALTER TABLE manager ADD COLUMN role TEXT NOT NULL DEFAULT 'manager';
ALTER TABLE manager ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE manager ADD CONSTRAINT manager_role_scope
  CHECK (role IN ('manager', 'admin') AND (role = 'admin') = (tenant_id IS NULL));
ALTER TABLE manager ADD COLUMN disabled_at TIMESTAMPTZ(3);

-- A disabled agent cannot sign in and is offered nothing.
ALTER TABLE agent ADD COLUMN disabled_at TIMESTAMPTZ(3);

-- Agent groups by name per tenant (agent.groups and campaign.agent_groups name them).
CREATE TABLE agent_group (
  tenant_id    UUID NOT NULL REFERENCES tenant (id),
  name         TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);
INSERT INTO agent_group (tenant_id, name, display_name)
  SELECT DISTINCT tenant_id, g, g FROM (
    SELECT tenant_id, unnest(groups) AS g FROM agent
    UNION SELECT tenant_id, unnest(agent_groups) AS g FROM campaign
  ) named
  ON CONFLICT DO NOTHING;

-- Every administrative change: who, what, when, the resource before and after (secrets never kept).
CREATE TABLE audit_log (
  id            BIGSERIAL PRIMARY KEY,
  at            TIMESTAMPTZ(3) NOT NULL,
  tenant_id     UUID,
  actor         TEXT NOT NULL,
  actor_role    TEXT NOT NULL,
  action        TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  before        JSONB,
  after         JSONB
);
CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id);
