import type { Sql, SqlQueryable } from '@pronto/db';
import {
  foldLeadFact,
  REPORTED_EVENTS,
  type ReportRow,
  type SlaQuery,
  type SlaReport,
  slaReportFromRows,
} from '@pronto/sla';
import { insertRows } from './report-store.ts';
import { markEveryHourDirty } from './sla-rollup.ts';

const PAGE = 5_000;

/**
 * Folds every lead's history (lead_history, the same facts as lead-events) into report rows, a page
 * of history at a time, in each lead's order; `write` receives the finished rows.
 */
export async function foldHistory(
  tx: SqlQueryable,
  write: (rows: ReportRow[]) => Promise<void>,
  tenantId?: string,
): Promise<number> {
  let after: { leadId: string; id: string } | null = null;
  let current: ReportRow | undefined;
  let leads = 0;
  let finished: ReportRow[] = [];
  for (;;) {
    const page: {
      id: string;
      lead_id: string;
      tenant_id: string;
      campaign_id: string;
      type: string;
      at: Date;
      detail: Record<string, unknown>;
    }[] = await tx.query(
      `SELECT h.id::text, h.lead_id::text, l.tenant_id::text, l.campaign_id::text, h.type, h.at, h.detail
         FROM lead_history h JOIN lead l ON l.id = h.lead_id
        WHERE ($1::uuid IS NULL OR l.tenant_id = $1)
          AND ($2::uuid IS NULL OR (h.lead_id, h.id) > ($2::uuid, $3::bigint))
          AND h.type = ANY($4::text[])
        ORDER BY h.lead_id, h.id
        LIMIT ${PAGE}`,
      [tenantId ?? null, after?.leadId ?? null, after?.id ?? null, [...REPORTED_EVENTS]],
    );
    for (const row of page) {
      if (current && current.leadId !== row.lead_id) {
        finished.push(current);
        current = undefined;
        leads += 1;
      }
      current = foldLeadFact(current, {
        leadId: row.lead_id,
        tenantId: row.tenant_id,
        campaignId: row.campaign_id,
        event: row.type,
        at: new Date(row.at),
        detail: row.detail ?? {},
      });
    }
    if (finished.length > 0) {
      await write(finished);
      finished = [];
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = { leadId: last.lead_id, id: last.id };
  }
  if (current) {
    await write([current]);
    leads += 1;
  }
  return leads;
}

/**
 * Replaces the report rows (of one tenant, or all) with those folded from the history. Run it with
 * the reporting consumer stopped: a lead event consumed while it runs could be counted twice. Every
 * hour of the old and new rows is marked dirty: reports read them from the rows until the rollup's
 * refresher has summed them again.
 */
export async function rebuildReports(sql: Sql, tenantId?: string): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query('LOCK TABLE report_lead IN EXCLUSIVE MODE');
    await tx.query('DELETE FROM report_lead WHERE ($1::uuid IS NULL OR tenant_id = $1)', [tenantId ?? null]);
    const leads = await foldHistory(tx, (rows) => insertRows(tx, 'report_lead', rows), tenantId);
    await markEveryHourDirty(tx, tenantId);
    return leads;
  });
}

/**
 * The report as the live rows give it, and as the history gives it when folded afresh (into a
 * temporary table; nothing is changed). They must be equal.
 */
export async function compareWithHistory(
  sql: Sql,
  query: SlaQuery,
): Promise<{ live: SlaReport; recomputed: SlaReport }> {
  return sql.transaction(async (tx) => {
    await tx.query(
      'CREATE TEMP TABLE report_lead_recomputed (LIKE report_lead INCLUDING DEFAULTS) ON COMMIT DROP',
    );
    await foldHistory(tx, (rows) => insertRows(tx, 'report_lead_recomputed', rows), query.tenantId);
    const live = await slaReportFromRows(tx, query);
    const recomputed = await slaReportFromRows(tx, query, 'report_lead_recomputed');
    return { live, recomputed };
  });
}
