import { recordProcessedSql } from '@pronto/bus';
import type { SqlQueryable } from '@pronto/db';
import { foldLeadFact, type LeadFact, REPORTED_EVENTS, type ReportRow } from '@pronto/sla';
import { rowHour } from './sla-rollup.ts';

/** The columns of report_lead, in the order of ReportRow's fields. */
const COLUMNS = {
  leadId: 'lead_id',
  tenantId: 'tenant_id',
  campaignId: 'campaign_id',
  timeZone: 'time_zone',
  firstSeenAt: 'first_seen_at',
  anchorAt: 'anchor_at',
  dueAt: 'due_at',
  suppressionReason: 'suppression_reason',
  firstAttemptId: 'first_attempt_id',
  firstAttemptAt: 'first_attempt_at',
  firstAttemptAgentId: 'first_attempt_agent_id',
  firstAttemptGroup: 'first_attempt_group',
  contactedAt: 'contacted_at',
  contactAgentId: 'contact_agent_id',
  contactGroup: 'contact_group',
  dialsBeforeDue: 'dials_before_due',
  lastDialAttemptId: 'last_dial_attempt_id',
  lastOutcomeBeforeDue: 'last_outcome_before_due',
  missedOfferBeforeDue: 'missed_offer_before_due',
  blockedWindowBeforeDue: 'blocked_window_before_due',
  offerAttemptId: 'offer_attempt_id',
  offerGroup: 'offer_group',
  lastEvent: 'last_event',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof ReportRow, string>;

const FIELDS = Object.keys(COLUMNS) as (keyof ReportRow)[];
const NAMES = FIELDS.map((field) => COLUMNS[field]);
const SELECT = FIELDS.map((field) => `${COLUMNS[field]} AS "${field}"`).join(', ');
const upsert = (table: string) => `INSERT INTO ${table} (${NAMES.join(', ')})
  VALUES (${NAMES.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (lead_id) DO UPDATE SET ${NAMES.slice(1)
    .map((name) => `${name} = EXCLUDED.${name}`)
    .join(', ')}`;
/**
 * The upsert, and in the same statement the row's hours (before and after) marked dirty for the
 * rollup (sla-rollup.ts), one mark per hour and transaction: no extra round trip per fact.
 */
const SAVE = `WITH saved AS (${upsert('report_lead')} RETURNING 1)
  INSERT INTO report_rollup_dirty (tenant_id, hour)
  SELECT $2, unnest($${NAMES.length + 1}::timestamptz[]) ON CONFLICT DO NOTHING`;

/** Many rows in one statement (a rebuild), into `table`: report_lead, or a copy of its shape. */
export async function insertRows(tx: SqlQueryable, table: string, rows: readonly ReportRow[]): Promise<void> {
  if (rows.length === 0) return;
  const types = FIELDS.map((field) => COLUMN_TYPES[field]);
  await tx.query(
    `INSERT INTO ${table} (${NAMES.join(', ')})
     SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`,
    FIELDS.map((field) => rows.map((row) => toParam(row[field]))),
  );
}

const COLUMN_TYPES: Record<keyof ReportRow, string> = {
  leadId: 'uuid',
  tenantId: 'uuid',
  campaignId: 'uuid',
  timeZone: 'text',
  firstSeenAt: 'timestamptz',
  anchorAt: 'timestamptz',
  dueAt: 'timestamptz',
  suppressionReason: 'text',
  firstAttemptId: 'text',
  firstAttemptAt: 'timestamptz',
  firstAttemptAgentId: 'text',
  firstAttemptGroup: 'text',
  contactedAt: 'timestamptz',
  contactAgentId: 'text',
  contactGroup: 'text',
  dialsBeforeDue: 'int',
  lastDialAttemptId: 'text',
  lastOutcomeBeforeDue: 'text',
  missedOfferBeforeDue: 'boolean',
  blockedWindowBeforeDue: 'boolean',
  offerAttemptId: 'text',
  offerGroup: 'text',
  lastEvent: 'text',
  updatedAt: 'timestamptz',
};

function toParam(value: ReportRow[keyof ReportRow]): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** The stored row of a lead, locked for the rest of the transaction. */
export async function loadRow(tx: SqlQueryable, leadId: string): Promise<ReportRow | undefined> {
  const [row] = await tx.query<ReportRow>(`SELECT ${SELECT} FROM report_lead WHERE lead_id = $1 FOR UPDATE`, [
    leadId,
  ]);
  return row ? storedRow(row) : undefined;
}

/** Timestamps come back as Date from both drivers; counts as numbers. */
const storedRow = (row: ReportRow): ReportRow => ({ ...row, dialsBeforeDue: Number(row.dialsBeforeDue) });

/**
 * applyFact for a `lead-events` message, at most once for `consumer` (as @pronto/bus consumeOnce):
 * its id is recorded in the statement that reads and locks the lead's row, one round trip fewer per
 * fact. False, and nothing changed, when the id was recorded before (a redelivery).
 */
export async function applyFactOnce(
  tx: SqlQueryable,
  fact: LeadFact,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  const [found] = await tx.query<ReportRow & { recorded: boolean }>(
    `WITH recorded AS (
       ${recordProcessedSql('$2', '$3')}
     ), stored AS (
       SELECT ${SELECT} FROM report_lead WHERE lead_id = $1 FOR UPDATE
     )
     SELECT EXISTS (SELECT 1 FROM recorded) AS recorded, stored.* FROM (VALUES (1)) AS one LEFT JOIN stored ON true`,
    [fact.leadId, consumer, messageId],
  );
  if (!found?.recorded) return false;
  const { recorded: _, ...row } = found;
  await applyFact(tx, fact, { stored: row.leadId === null ? undefined : storedRow(row) });
  return true;
}

/** Saves a lead's row and marks its hours dirty; `previous`: the row it replaces, if its hour moved. */
export async function saveRow(tx: SqlQueryable, row: ReportRow, previous?: ReportRow): Promise<void> {
  const hours = new Set([rowHour(row), ...(previous ? [rowHour(previous)] : [])]);
  await tx.query(SAVE, [
    ...FIELDS.map((field) => toParam(row[field])),
    [...hours].map((hour) => new Date(hour).toISOString()),
  ]);
}

/**
 * Folds one fact into its lead's row, inside the caller's transaction. A fact no newer than the last
 * one folded may have arrived out of order (Pub/Sub without ordering keys, on its emulator), or be
 * one a refold took in already: the lead's row is folded again from its stored history instead, in
 * order, as a rebuild does, so the two agree.
 */
export async function applyFact(
  tx: SqlQueryable,
  fact: LeadFact,
  /** The lead's row as this transaction has already read and locked it (applyFactOnce). */
  read?: { stored: ReportRow | undefined },
): Promise<ReportRow | undefined> {
  const previous = read ? read.stored : await loadRow(tx, fact.leadId);
  const row =
    previous && fact.at.getTime() <= previous.updatedAt.getTime()
      ? ((await refoldFromHistory(tx, fact)) ?? foldLeadFact(previous, fact))
      : foldLeadFact(previous, fact);
  if (row) await saveRow(tx, row, previous);
  return row;
}

/** The lead's row folded from its history rows in order; undefined when it has none stored. */
async function refoldFromHistory(tx: SqlQueryable, fact: LeadFact): Promise<ReportRow | undefined> {
  const history = await tx.query<{ type: string; at: Date | string; detail: Record<string, unknown> }>(
    `SELECT type, at, detail FROM lead_history WHERE lead_id = $1 AND type = ANY($2::text[]) ORDER BY id`,
    [fact.leadId, [...REPORTED_EVENTS]],
  );
  let row: ReportRow | undefined;
  for (const entry of history) {
    row = foldLeadFact(row, { ...fact, event: entry.type, at: new Date(entry.at), detail: entry.detail });
  }
  return row;
}
