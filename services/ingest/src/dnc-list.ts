import type { DncEntry, DncSource } from '@pronto/contracts';
import type { DncEntryRow, Sql } from '@pronto/db';

/**
 * The tenant's do-not-call list. Every statement names the tenant: one tenant's numbers are never
 * read, counted or removed through another tenant's key.
 */

type DncRow = Pick<DncEntryRow, 'phone_e164' | 'reason' | 'created_at'> & { source: DncSource };

const COLUMNS = 'phone_e164, reason, source, created_at';

const toEntry = (row: DncRow): DncEntry => ({
  phone: row.phone_e164,
  reason: row.reason,
  source: row.source,
  createdAt: new Date(row.created_at).toISOString(),
});

/**
 * Lists the number unless it is listed already; an existing entry is kept as it is (its reason, source
 * and date say when and why the person first asked), so that sending the same PUT again changes nothing.
 */
export async function addDncEntry(
  sql: Sql,
  entry: { tenantId: string; phoneE164: string; reason: string | null; source: DncSource; now: Date },
): Promise<{ entry: DncEntry; created: boolean }> {
  // A concurrent DELETE may remove the row between the two statements: then the insert is tried again.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const [inserted] = await sql.query<DncRow>(
      `INSERT INTO dnc_entry (tenant_id, phone_e164, reason, source, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, phone_e164) DO NOTHING
       RETURNING ${COLUMNS}`,
      [entry.tenantId, entry.phoneE164, entry.reason, entry.source, entry.now],
    );
    if (inserted) return { entry: toEntry(inserted), created: true };
    const existing = await findDncEntry(sql, entry.tenantId, entry.phoneE164);
    if (existing) return { entry: existing, created: false };
  }
  throw new Error('the do-not-call entry was removed and added again by others three times in a row');
}

/** The entry, or null when this tenant has not listed the number. */
export async function findDncEntry(sql: Sql, tenantId: string, phoneE164: string): Promise<DncEntry | null> {
  const [row] = await sql.query<DncRow>(
    `SELECT ${COLUMNS} FROM dnc_entry WHERE tenant_id = $1 AND phone_e164 = $2`,
    [tenantId, phoneE164],
  );
  return row ? toEntry(row) : null;
}

/** Whether the number was on this tenant's list (and now is not). */
export async function removeDncEntry(sql: Sql, tenantId: string, phoneE164: string): Promise<boolean> {
  const removed = await sql.query(
    'DELETE FROM dnc_entry WHERE tenant_id = $1 AND phone_e164 = $2 RETURNING phone_e164',
    [tenantId, phoneE164],
  );
  return removed.length > 0;
}

/**
 * Lists many numbers in one transaction and one statement, however many there are; numbers listed
 * already are left as they are. `rows` must not repeat a number (the first of a file's repeats counts).
 * Returns how many were newly listed.
 */
export async function importDncEntries(
  sql: Sql,
  input: {
    tenantId: string;
    rows: readonly { phoneE164: string; reason: string | null }[];
    source: DncSource;
    now: Date;
  },
): Promise<number> {
  if (input.rows.length === 0) return 0;
  return sql.transaction(async (tx) => {
    const [result] = await tx.query<{ added: number }>(
      `WITH added AS (
         INSERT INTO dnc_entry (tenant_id, phone_e164, reason, source, created_at)
         SELECT $1, r.phone, r.reason, $4, $5
           FROM unnest($2::text[], $3::text[]) AS r(phone, reason)
          -- In key order, so that two imports into one list lock rows in the same order and cannot deadlock.
          ORDER BY r.phone
         ON CONFLICT (tenant_id, phone_e164) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS added FROM added`,
      [
        input.tenantId,
        input.rows.map((row) => row.phoneE164),
        input.rows.map((row) => row.reason),
        input.source,
        input.now,
      ],
    );
    return Number(result?.added ?? 0);
  });
}
