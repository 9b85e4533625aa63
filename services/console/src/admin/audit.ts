import type { SqlQueryable } from '@pronto/db';
import type { Operator } from '@pronto/http';

/** Fields never written to the audit log, whatever resource they come in. */
const SECRET_FIELDS = new Set([
  'secret',
  'password',
  'passwordHash',
  'password_hash',
  'secretCiphertext',
  'secret_ciphertext',
  'previousSecretCiphertext',
  'previous_secret_ciphertext',
]);

/** A copy of `value` without its secret fields, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_FIELDS.has(key))
      .map(([key, inner]) => [key, withoutSecrets(inner)]),
  );
}

export interface AuditEntry {
  /** `<resource>.<verb>`: tenant.create, key.rotate, campaign.update, agent.disable, ... */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  /** The tenant the resource belongs to (null for the installation's: operator keys, admins). */
  readonly tenantId: string | null;
  /** The resource before and after the change (null: created / deleted); secrets are dropped. */
  readonly before: unknown;
  readonly after: unknown;
}

/** Writes one audit row, in the transaction of the change it records, so neither exists without the other. */
export async function recordAudit(
  tx: SqlQueryable,
  operator: Operator,
  now: Date,
  entry: AuditEntry,
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (at, tenant_id, actor, actor_role, action, resource_type, resource_id, before, after)
     VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
    [
      now.toISOString(),
      entry.tenantId,
      operator.actor,
      operator.role,
      entry.action,
      entry.resourceType,
      entry.resourceId,
      entry.before === null || entry.before === undefined
        ? null
        : JSON.stringify(withoutSecrets(entry.before)),
      entry.after === null || entry.after === undefined ? null : JSON.stringify(withoutSecrets(entry.after)),
    ],
  );
}
