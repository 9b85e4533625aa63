import { randomUUID } from 'node:crypto';
import type { Bus } from '@pronto/bus';
import type { ReceivedLeadEventV1 } from '@pronto/contracts';
import type { Database, SqlQueryable } from '@pronto/db';

/** The scripted day: Monday 30 March 2026, the first weekday of summer time in Warsaw. */
export const DAY = Date.UTC(2026, 2, 30, 0, 0, 0);
export const FIRST_LEAD = DAY + 6 * 3_600_000; // 08:00 in Warsaw (UTC+2)
export const SLA_MS = 300_000;
export const AGENTS = ['0b9c6f5e-0000-4000-8000-00000000000a', '0b9c6f5e-0000-4000-8000-00000000000b'];
/** The query of the day's report: GET /v1/reports/sla?<this>. */
export const DAY_QUERY = 'from=2026-03-30&to=2026-03-31';

export type Fact = [seconds: number, event: string, detail?: Record<string, unknown>];

/**
 * What happens to lead n of 100 (seconds after its anchor): 91 contacted in time, 4 breached after
 * dials nobody answered, 3 breached because no agent dialed them by the due time (contacted later),
 * 2 suppressed at scoring.
 */
export function scriptFor(n: number, anchor: number): Fact[] {
  const iso = (seconds: number) => new Date(anchor + seconds * 1000).toISOString();
  const agentId = AGENTS[n % 2] as string;
  const group = n % 2 === 0 ? 'sales' : 'backup';
  const queued: Fact[] = [
    [0, 'scored', { score: 50, zone: 'Europe/Warsaw' }],
    [0, 'queued', { zone: 'Europe/Warsaw', anchorAt: iso(0), dueAt: iso(SLA_MS / 1000) }],
  ];
  const dial = (seconds: number, attemptId: string): Fact[] => [
    [seconds - 10, 'offered', { attemptId, agentId, group }],
    [seconds, 'dialing', { attemptId, agentId, attemptNumber: 1 }],
  ];
  if (n < 91)
    return [
      ...queued,
      ...dial(30 + (n % 7) * 10, `a${n}`),
      [90, 'contacted', { attemptId: `a${n}`, agentId, at: iso(90), firstContact: true }],
      [200, 'call_ended', { attemptId: `a${n}`, outcome: 'contacted' }],
      [230, 'dispositioned', { attemptId: `a${n}`, code: 'sale' }],
    ];
  if (n < 95)
    return [
      ...queued,
      ...dial(30, `a${n}`),
      [60, 'call_ended', { attemptId: `a${n}`, outcome: 'no_answer' }],
      [60, 'retry_scheduled', { retryAt: iso(180) }],
      ...dial(190, `b${n}`),
      [220, 'call_ended', { attemptId: `b${n}`, outcome: 'busy' }],
      [220, 'expired', { reason: 'max_attempts' }],
    ];
  if (n < 98)
    return [
      ...queued,
      ...dial(410, `a${n}`),
      [420, 'contacted', { attemptId: `a${n}`, agentId, at: iso(420), firstContact: true }],
    ];
  return [[0, 'suppressed', { reason: n === 98 ? 'dnc' : 'no_consent' }]];
}

/**
 * Writes each lead and its history, and publishes the same facts on lead-events, as the services do
 * (history and message in one transaction): the live report folds the messages, a rebuild the rows.
 */
export async function playDay(
  db: Database,
  bus: Bus,
  tenantId: string,
  campaignId: string,
  leads: number,
): Promise<ReceivedLeadEventV1[]> {
  const messages: ReceivedLeadEventV1[] = [];
  for (let n = 0; n < leads; n++)
    messages.push(
      ...(await writeLead(db.sql, { tenantId, campaignId, n, anchor: FIRST_LEAD + n * 5 * 60_000 })),
    );
  await bus.publish('lead-events', messages);
  return messages;
}

/**
 * Writes lead n of the script (scriptFor) anchored at `anchor`, with its history, and returns its
 * lead-events messages for the caller to publish.
 */
export async function writeLead(
  sql: SqlQueryable,
  lead: { tenantId: string; campaignId: string; n: number; anchor: number; phone?: string },
): Promise<ReceivedLeadEventV1[]> {
  const { tenantId, campaignId, n, anchor } = lead;
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
     VALUES ($1, $2, $3, 'queued', $4, $4, $4) RETURNING id::text`,
    [tenantId, campaignId, lead.phone ?? `+4860${String(1_000_000 + n)}`, new Date(anchor).toISOString()],
  );
  const leadId = row?.id as string;
  const facts = scriptFor(n, anchor).map(([seconds, event, detail = {}]) => ({
    at: new Date(anchor + seconds * 1000).toISOString(),
    event,
    detail,
  }));
  // One statement per lead: the history in its order, as the services append it.
  await sql.query(
    `INSERT INTO lead_history (lead_id, at, type, detail)
     SELECT $1, at, type, detail FROM unnest($2::timestamptz[], $3::text[], $4::jsonb[]) WITH ORDINALITY
         AS f(at, type, detail, n) ORDER BY n`,
    [
      leadId,
      facts.map((fact) => fact.at),
      facts.map((fact) => fact.event),
      facts.map((fact) => JSON.stringify(fact.detail)),
    ],
  );
  return facts.map(({ at, event, detail }, i) => ({
    type: 'lead.event',
    version: 1,
    id: randomUUID(),
    occurredAt: at,
    key: leadId,
    payload: { leadId, tenantId, campaignId, leadVersion: i + 1, event, at, status: 'queued', detail },
  }));
}

/** Lead events the reporting consumer has folded (recorded in processed_message). */
export async function foldedCount(sql: SqlQueryable): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM processed_message WHERE consumer = 'reporting'`,
  );
  return row?.n ?? 0;
}

/** Polls `check` (a state another task brings about) until it holds; 30 s at most. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
