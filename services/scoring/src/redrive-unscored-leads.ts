import { randomUUID } from 'node:crypto';
import type { IntentEvent, IntentReceivedV1 } from '@pronto/contracts';
import { isDatabaseUnavailable, type Sql } from '@pronto/db';
import { recordHistory } from '@pronto/leads';
import type { Logger } from '@pronto/telemetry';
import { scoreIntent } from './score-intent.ts';

export interface RedriveDeps {
  readonly sql: Sql;
  readonly logger: Logger;
  /** The consumer name scoring records processed intents under. */
  readonly consumer: string;
  readonly now: Date;
  /** A lead accepted longer ago than this and still unscored is scored from its stored intent. */
  readonly afterMs: number;
  /** The most leads one pass looks at. */
  readonly limit?: number;
}

interface StoredIntent {
  intent_event_id: string;
  raw_body: string;
  received_at: Date | string;
  result_status: 'accepted' | 'suppressed';
  tenant_id: string;
  campaign_id: string;
  phone_e164: string;
}

/**
 * The safety net under the bus: a lead accepted (or suppressed at intake) whose `intents` message
 * never reached scoring, for whatever reason (a broker that lost it, a dead letter), is scored from
 * the facts intake stored with it (the intent event's raw body, the lead row) once it is older than
 * `afterMs`. Each lead is taken under its row lock with SKIP LOCKED and only while still unscored,
 * so two instances, a second pass, or the lost message turning up late never score it twice: a late
 * message finds the lead scored and changes nothing. The lead's history says it was re-driven (or
 * that it could not be: such a lead is not tried again).
 * Returns how many leads were scored.
 */
export async function redriveUnscoredLeads(deps: RedriveDeps): Promise<number> {
  // jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
  const { sql, now } = deps;
  const bound = new Date(now.getTime() - deps.afterMs).toISOString();
  const candidates = await sql.query<{ id: string }>(
    `SELECT id FROM lead
      WHERE score IS NULL AND status IN ('received', 'suppressed') AND received_at <= $1
        AND NOT EXISTS (SELECT 1 FROM lead_history h WHERE h.lead_id = lead.id AND h.type = 'redrive_failed')
      ORDER BY received_at LIMIT $2`,
    [bound, deps.limit ?? 200],
  );
  let scored = 0;
  for (const { id } of candidates) {
    // jscpd:ignore-end
    try {
      const done = await sql.transaction(async (tx) => {
        const [intent] = await tx.query<StoredIntent>(
          `SELECT e.id AS intent_event_id, e.raw_body, e.received_at, e.result_status,
                  l.tenant_id, l.campaign_id, l.phone_e164
             FROM lead l JOIN intent_event e ON e.lead_id = l.id AND e.result_status IN ('accepted', 'suppressed')
            WHERE l.id = $1 AND l.score IS NULL AND l.status IN ('received', 'suppressed') AND l.received_at <= $2
            ORDER BY e.received_at LIMIT 1
              FOR UPDATE OF l SKIP LOCKED`,
          [id, bound],
        );
        // Scored meanwhile, or in another instance's hands right now.
        if (!intent) return false;
        const receivedAt = new Date(intent.received_at);
        await recordHistory(tx, now, [
          {
            leadId: id,
            fact: {
              type: 'redriven',
              detail: {
                step: 'scoring',
                why: `not scored within ${Math.round(deps.afterMs / 1000)} s of its acceptance; scored from the stored intent`,
                intentEventId: intent.intent_event_id,
              },
            },
          },
        ]);
        const outcome = await scoreIntent(tx, intentMessage(id, intent, receivedAt), now, deps.consumer);
        return outcome !== 'duplicate';
      });
      if (done) {
        scored += 1;
        deps.logger.warn({ leadId: id }, 'lead not scored in time; scored from its stored intent');
      }
    } catch (error) {
      // Scoring itself fails on this lead (its intent would have gone to the dead letters too): tried
      // once, and said so in its history, rather than again every pass ahead of the others. The
      // report still counts it (reporting's estimate), as breached once due.
      deps.logger.error({ err: error, leadId: id }, 'could not re-drive an unscored lead');
      // A database that is away says nothing about the lead: the next pass tries it again.
      if (isDatabaseUnavailable(error)) continue;
      await recordHistory(sql, now, [
        {
          leadId: id,
          fact: {
            type: 'redrive_failed',
            detail: { step: 'scoring', error: error instanceof Error ? error.name : 'unknown' },
          },
        },
      ]).catch((failed: unknown) =>
        deps.logger.error({ err: failed, leadId: id }, 'could not record a failed re-drive'),
      );
    }
  }
  return scored;
}

/** The `intents` message intake wrote for this lead, rebuilt from the rows it wrote with it. */
function intentMessage(leadId: string, intent: StoredIntent, receivedAt: Date): IntentReceivedV1 {
  return {
    type: 'intent.received',
    version: 1,
    id: randomUUID(),
    occurredAt: receivedAt.toISOString(),
    key: leadId,
    payload: {
      tenantId: intent.tenant_id,
      campaignId: intent.campaign_id,
      leadId,
      intentEventId: intent.intent_event_id,
      status: intent.result_status,
      phoneE164: intent.phone_e164,
      receivedAt: receivedAt.toISOString(),
      event: JSON.parse(intent.raw_body) as IntentEvent,
    },
  };
}
