import { randomUUID } from 'node:crypto';
import type { SqlQueryable } from '@pronto/db';
import type { AttainmentAlert, LeadBreachedAlert } from './alert-payload.ts';

/** An alert's payload before it has an id. */
export type UnraisedAlert = Omit<LeadBreachedAlert, 'id'> | Omit<AttainmentAlert, 'id'>;

export interface NewAlert {
  tenantId: string;
  /** Two alerts with the same key are the same alert: the second is not raised. */
  dedupeKey: string;
  /** The payload without its id, which is the alert's. */
  payload: UnraisedAlert;
  now: Date;
}

/**
 * Records an alert to send, due at once; returns its id, or null when that alert was already raised
 * (by an earlier sweep, or by another instance at the same moment: the unique key decides).
 */
export async function raiseAlert(tx: SqlQueryable, alert: NewAlert): Promise<string | null> {
  const id = randomUUID();
  const { type, ...fields } = alert.payload;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO alert_delivery (id, tenant_id, kind, dedupe_key, payload, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5::json, $6, $6)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id::text`,
    [
      id,
      alert.tenantId,
      type,
      alert.dedupeKey,
      JSON.stringify({ type, id, ...fields }),
      alert.now.toISOString(),
    ],
  );
  return rows[0]?.id ?? null;
}
