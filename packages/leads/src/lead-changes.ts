import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '@pronto/bus';
import type { LeadEventV1, LeadFact, LeadStatus } from '@pronto/contracts';
import type { LeadRow, SqlQueryable } from '@pronto/db';

/**
 * The one place a lead's status changes together with its history rows and the messages that
 * announce them, in the caller's transaction and in one statement: the lead row, its `lead_history`
 * rows and its `outbox` rows exist exactly when the change is committed (docs/architecture.md,
 * "Lead lifecycle"). Intake, scoring and the dispatcher all write through here.
 */

/** The lead a change is about, as the services' queries read it. */
export type LeadRef = Pick<LeadRow, 'id' | 'tenant_id' | 'campaign_id'>;

/** One fact of a lead's history, for a lead. */
export interface LeadHistoryEntry {
  readonly leadId: string;
  readonly fact: LeadFact;
}

export interface LeadChange {
  readonly lead: LeadRef;
  /** The lead's version after the change. */
  readonly version: number;
  /** The lead's status after the change. */
  readonly status: LeadStatus;
  /** The facts of the change: each a history row, and a `lead.event` on `lead-events`. */
  readonly facts: readonly LeadFact[];
  /** Facts already in the history (intake wrote them) that this change announces on `lead-events` only. */
  readonly announce?: readonly LeadFact[];
}

/** The columns a change may set besides the status (null clears; absent keeps). */
export interface LeadColumns {
  readonly score?: number;
  readonly score_factors?: unknown;
  readonly time_zone?: string;
  readonly anchor_at?: Date | null;
  readonly due_at?: Date | null;
  readonly next_attempt_at?: Date | null;
}

export interface LeadUpdate extends LeadChange {
  readonly set?: LeadColumns;
  /** Kept when the lead has one already. */
  readonly suppression?: string | null;
  /** A final status: closed_at is set (once). */
  readonly close?: boolean;
}

export interface RecordOptions {
  /** Other messages of the same change, after its `lead.event` ones. */
  readonly messages?: readonly OutboxEntry[];
  /** The relay that publishes these outbox rows (each service relays its own). Default `main`. */
  readonly relay?: string;
}

/** A change's facts (and announcements) as `lead.event` messages on `lead-events`, in order. */
export function leadEventMessages(change: LeadChange, now: Date): OutboxEntry[] {
  const at = now.toISOString();
  return [...change.facts, ...(change.announce ?? [])].map((fact) => {
    const message = {
      type: 'lead.event',
      version: 1,
      id: randomUUID(),
      occurredAt: at,
      key: change.lead.id,
      payload: {
        leadId: change.lead.id,
        tenantId: change.lead.tenant_id,
        campaignId: change.lead.campaign_id,
        leadVersion: change.version,
        event: fact.type,
        at,
        status: change.status,
        detail: fact.detail,
      },
    } as LeadEventV1;
    return { topic: 'lead-events', message };
  });
}

/**
 * Sets the lead's status (and the given columns), raises its version to `change.version`, and writes
 * its history rows and messages, in one statement.
 */
export async function changeLead(
  tx: SqlQueryable,
  now: Date,
  change: LeadUpdate,
  options: RecordOptions = {},
): Promise<void> {
  const statement = new Statement(now);
  const set = change.set ?? {};
  const columns: string[] = [];
  const column = (name: keyof LeadColumns, cast: string, value: unknown) => {
    if (Object.hasOwn(set, name)) columns.push(`${name} = ${statement.param(value)}::${cast}`);
  };
  column('score', 'int', set.score);
  column(
    'score_factors',
    'jsonb',
    set.score_factors === undefined ? null : JSON.stringify(set.score_factors),
  );
  column('time_zone', 'text', set.time_zone);
  column('anchor_at', 'timestamptz', set.anchor_at?.toISOString() ?? null);
  column('due_at', 'timestamptz', set.due_at?.toISOString() ?? null);
  column('next_attempt_at', 'timestamptz', set.next_attempt_at?.toISOString() ?? null);
  statement.with(
    'updated',
    `UPDATE lead SET status = ${statement.param(change.status)}::text, ${columns.map((c) => `${c}, `).join('')}
            suppression_reason = COALESCE(${statement.param(change.suppression ?? null)}::text, suppression_reason),
            closed_at = CASE WHEN ${statement.param(change.close ?? false)}::boolean
                             THEN COALESCE(closed_at, $1::timestamptz) ELSE closed_at END,
            version = ${statement.param(change.version)}::int, updated_at = $1::timestamptz
      WHERE id = ${statement.param(change.lead.id)}::uuid`,
  );
  statement.history(change.facts.map((fact) => ({ leadId: change.lead.id, fact })));
  statement.outbox([...leadEventMessages(change, now), ...(options.messages ?? [])], options.relay);
  await statement.run(tx);
}

/**
 * Writes the history rows and messages of changes the caller made to the lead rows itself (or of
 * none: messages only), in one statement.
 */
export async function recordLeadChanges(
  tx: SqlQueryable,
  now: Date,
  changes: readonly LeadChange[],
  options: RecordOptions = {},
): Promise<void> {
  const statement = new Statement(now);
  statement.history(
    changes.flatMap((change) => change.facts.map((fact) => ({ leadId: change.lead.id, fact }))),
  );
  statement.outbox(
    [...changes.flatMap((change) => leadEventMessages(change, now)), ...(options.messages ?? [])],
    options.relay,
  );
  await statement.run(tx);
}

/**
 * Writes history rows that no `lead.event` announces (intake's received and merged, scoring's
 * redrive marks, reporting's estimate) and the given messages, in one statement. `alongside` is a
 * data-modifying statement of the caller's (`INSERT ... RETURNING`) run in the same round trip: it
 * names its parameters with `param(value)`, and the change's time as `$1`. The answer is how many
 * rows it returned.
 */
export async function recordHistory(
  tx: SqlQueryable,
  now: Date,
  entries: readonly LeadHistoryEntry[],
  options: RecordOptions & { alongside?: (param: (value: unknown) => string) => string } = {},
): Promise<number> {
  const statement = new Statement(now);
  if (options.alongside)
    statement.with(
      'alongside',
      options.alongside((value) => statement.param(value)),
    );
  statement.history(entries);
  statement.outbox(options.messages ?? [], options.relay);
  if (statement.empty) return 0;
  const [row] = await tx.query<{ alongside: number }>(
    statement.sql(options.alongside ? '(SELECT count(*)::int FROM alongside)' : '0'),
    statement.params,
  );
  return row?.alongside ?? 0;
}

/** One statement of data-modifying CTEs; `$1` is the change's time. */
class Statement {
  readonly params: unknown[];
  private readonly parts: string[] = [];

  constructor(now: Date) {
    this.params = [now.toISOString()];
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  with(name: string, sql: string): void {
    this.parts.push(`${name} AS (${sql})`);
  }

  history(entries: readonly LeadHistoryEntry[]): void {
    if (entries.length === 0) return;
    const leads = this.param(entries.map((e) => e.leadId));
    const types = this.param(entries.map((e) => e.fact.type));
    const details = this.param(entries.map((e) => JSON.stringify(e.fact.detail)));
    this.with(
      'history',
      `INSERT INTO lead_history (lead_id, at, type, detail)
       SELECT h.lead_id::uuid, $1::timestamptz, h.type, h.detail::jsonb
         FROM unnest(${leads}::text[], ${types}::text[], ${details}::text[]) WITH ORDINALITY AS h(lead_id, type, detail, n)
        ORDER BY h.n`,
    );
  }

  outbox(entries: readonly OutboxEntry[], relay = 'main'): void {
    if (entries.length === 0) return;
    const topics = this.param(entries.map((o) => o.topic));
    const keys = this.param(entries.map((o) => o.message.key));
    const messages = this.param(entries.map((o) => JSON.stringify(o.message)));
    this.with(
      'announced',
      `INSERT INTO outbox (topic, key, message, created_at, relay)
       SELECT o.topic, o.key, o.message::jsonb, $1::timestamptz, ${this.param(relay)}::text
         FROM unnest(${topics}::text[], ${keys}::text[], ${messages}::text[]) WITH ORDINALITY AS o(topic, key, message, n)
        ORDER BY o.n`,
    );
  }

  sql(select = '0'): string {
    return `WITH ${this.parts.join(',\n')}\nSELECT ${select} AS alongside`;
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  async run(tx: SqlQueryable): Promise<void> {
    if (!this.empty) await tx.query(this.sql(), this.params);
  }
}
