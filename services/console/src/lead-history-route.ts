import type { SqlQueryable } from '@pronto/db';
import { ProblemError, requireSession, type Sessions, sessionTenant } from '@pronto/http';
import { perLeadSql } from '@pronto/sla';
import type { FastifyInstance } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface LeadSummary {
  lead_id: string;
  campaign_slug: string;
  anchor_at: Date | null;
  due_at: Date | null;
  first_attempt_at: Date | null;
  contacted_at: Date | null;
  result: string;
  reason: string;
  suppression_reason: string | null;
}

const html = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const time = (value: Date | string | null) => (value ? new Date(value).toISOString() : '—');

/**
 * GET /manager/leads/:id: what happened to one lead, for the dashboard's breach list. Another
 * tenant's lead is 404, as if it did not exist.
 */
export function registerLeadHistoryRoute(
  scope: FastifyInstance,
  deps: { sql: SqlQueryable; sessions: Sessions; now: () => Date },
) {
  scope.get<{ Params: { id: string } }>('/manager/leads/:id', async (request, reply) => {
    const tenantId = sessionTenant((await requireSession(deps.sessions, request)).user);
    const leadId = request.params.id;
    if (!UUID.test(leadId)) throw new ProblemError('not-found', 'No such lead');
    // One lead, whatever its period: the report's own verdict and breach reason (perLeadSql).
    const [summary] = await deps.sql.query<LeadSummary>(
      `SELECT * FROM (${perLeadSql(undefined)}) l WHERE l.lead_id = $6`,
      [tenantId, '-infinity', 'infinity', null, deps.now().toISOString(), leadId],
    );
    const history = await deps.sql.query<{ at: Date; type: string; detail: unknown }>(
      `SELECT h.at, h.type, h.detail FROM lead_history h JOIN lead l ON l.id = h.lead_id
        WHERE h.lead_id = $1 AND l.tenant_id = $2 ORDER BY h.at, h.id`,
      [leadId, tenantId],
    );
    if (!summary && history.length === 0) throw new ProblemError('not-found', 'No such lead');
    const verdict = summary
      ? `${summary.result}${summary.result === 'breached' ? ` (${summary.reason})` : ''}${
          summary.suppression_reason ? ` (${summary.suppression_reason})` : ''
        }`
      : 'not reported yet';
    const rows = history
      .map(
        (entry) =>
          `<tr><td>${html(time(entry.at))}</td><td>${html(entry.type)}</td><td><code>${html(
            JSON.stringify(entry.detail),
          )}</code></td></tr>`,
      )
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lead ${html(leadId)} · Pronto</title>
<link rel="stylesheet" href="/manager/assets/manager.css"></head>
<body><main class="lead">
<p><a href="/manager">← Dashboard</a></p>
<h1>Lead <span data-testid="lead-id">${html(leadId)}</span></h1>
<dl>
  <dt>Campaign</dt><dd>${html(summary?.campaign_slug ?? '—')}</dd>
  <dt>Result</dt><dd data-testid="lead-result">${html(verdict)}</dd>
  <dt>Anchor</dt><dd>${html(time(summary?.anchor_at ?? null))}</dd>
  <dt>Due</dt><dd>${html(time(summary?.due_at ?? null))}</dd>
  <dt>First dial</dt><dd>${html(time(summary?.first_attempt_at ?? null))}</dd>
  <dt>Contact</dt><dd>${html(time(summary?.contacted_at ?? null))}</dd>
</dl>
<h2>History</h2>
<table data-testid="lead-history"><thead><tr><th>At (UTC)</th><th>Event</th><th>Detail</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</main></body></html>
`);
  });
}
