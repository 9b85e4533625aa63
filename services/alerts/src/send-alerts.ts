import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { findApiKey, type SecretBox } from '@pronto/tenancy';
import { type PostOutcome, postAlert } from './post-alert.ts';
import { nextAttemptAt } from './retry-schedule.ts';

export interface SendAlertsDeps {
  db: Database;
  secretBox: SecretBox;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  /** Per POST (default 5 s). */
  timeoutMs?: number;
  /** Alerts taken per call (default 50). */
  batch?: number;
}

export interface SendResult {
  delivered: number;
  failed: number;
  gaveUp: number;
}

/** How long a claim holds an alert: a sender that dies mid-POST leaves it to another after this. */
export const CLAIM_MS = 60_000;

interface Claimed {
  id: string;
  tenant_id: string;
  /** The payload's JSON as raised: the body, byte for byte. */
  body: string;
  created_at: Date;
  attempts: number;
}

interface Target {
  url: string;
  key_id: string;
  enabled: boolean;
}

/**
 * Sends the alerts due at `now`. Each is claimed first (its next attempt moved past the claim, rows
 * locked with SKIP LOCKED), so several instances never POST one alert at the same time; the result is
 * written only if the claim is still this sender's. Webhook and key are read at send time: a changed URL
 * or a rotated key applies to alerts still waiting.
 */
export async function sendDueAlerts(deps: SendAlertsDeps, now: Date): Promise<SendResult> {
  const { db } = deps;
  const claimed = await db.sql.query<Claimed>(
    `UPDATE alert_delivery d SET attempts = d.attempts + 1, next_attempt_at = $2
       FROM (SELECT id FROM alert_delivery WHERE next_attempt_at <= $1
              ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
      WHERE d.id = due.id
      RETURNING d.id::text, d.tenant_id::text, d.payload::text AS body, d.created_at, d.attempts`,
    [now.toISOString(), new Date(now.getTime() + CLAIM_MS).toISOString(), deps.batch ?? 50],
  );
  const result: SendResult = { delivered: 0, failed: 0, gaveUp: 0 };
  if (claimed.length === 0) return result;
  const targets = new Map(
    (
      await db.sql.query<Target & { tenant_id: string }>(
        'SELECT tenant_id::text, url, key_id, enabled FROM alert_webhook WHERE tenant_id = ANY($1::uuid[])',
        [[...new Set(claimed.map((alert) => alert.tenant_id))]],
      )
    ).map((row) => [row.tenant_id, row]),
  );
  await Promise.all(
    claimed.map(async (alert) => {
      const outcome = await deliver(deps, alert, targets.get(alert.tenant_id), now);
      const done = await record(deps, alert, outcome, now);
      result[done] += 1;
    }),
  );
  return result;
}

async function deliver(
  deps: SendAlertsDeps,
  alert: Claimed,
  target: Target | undefined,
  now: Date,
): Promise<PostOutcome> {
  // Paused or removed: the alert waits its turns like a failed one, in case the webhook comes back.
  if (!target?.enabled) return { ok: false, status: null, error: 'no webhook enabled' };
  const key = await findApiKey(deps.db.sql, deps.secretBox, target.key_id, now);
  if (!key || key.tenantId !== alert.tenant_id)
    return { ok: false, status: null, error: `signing key ${target.key_id} is revoked or unknown` };
  return postAlert({
    url: target.url,
    alertId: alert.id,
    keyId: key.keyId,
    secret: key.secrets[0] as string,
    body: alert.body,
    now,
    timeoutMs: deps.timeoutMs ?? 5_000,
    fetch: deps.fetch ?? globalThis.fetch,
  });
}

async function record(
  deps: SendAlertsDeps,
  alert: Claimed,
  outcome: PostOutcome,
  now: Date,
): Promise<keyof SendResult> {
  const log = { alertId: alert.id, tenantId: alert.tenant_id, attempts: alert.attempts };
  const mine = 'WHERE id = $1 AND attempts = $2';
  if (outcome.ok) {
    await deps.db.sql.query(
      `UPDATE alert_delivery SET delivered_at = $3, next_attempt_at = NULL, last_status = $4, last_error = NULL ${mine}`,
      [alert.id, alert.attempts, now.toISOString(), outcome.status],
    );
    deps.logger.info({ ...log, status: outcome.status }, 'alert delivered');
    return 'delivered';
  }
  const next = nextAttemptAt(new Date(alert.created_at), alert.attempts, now);
  await deps.db.sql.query(
    `UPDATE alert_delivery SET next_attempt_at = $3, gave_up_at = $4, last_status = $5, last_error = $6 ${mine}`,
    [
      alert.id,
      alert.attempts,
      next?.toISOString() ?? null,
      next ? null : now.toISOString(),
      outcome.status,
      outcome.error.slice(0, 500),
    ],
  );
  if (next) {
    deps.logger.warn(
      { ...log, error: outcome.error, nextAttemptAt: next.toISOString() },
      'alert not delivered',
    );
    return 'failed';
  }
  deps.logger.warn({ ...log, error: outcome.error }, 'alert given up: not delivered within 24 h');
  return 'gaveUp';
}
