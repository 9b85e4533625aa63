// Draws the dashboard from one snapshot (GET /manager/snapshot or a `snapshot` event of the stream).
import { byTestId } from '@pronto/pages/browser';
import type { DashboardSnapshot } from '../src/dashboard-snapshot.ts';
import { renderCharts } from './charts.ts';
import { fillOptions } from './filters.ts';
import { PAUSE_LABELS, percent, reasonLabel, STATE_LABELS, seconds, setText } from './text.ts';

const FIGURE_COUNTS = ['met', 'eligible', 'breached', 'open', 'suppressed'] as const;

export function render(snapshot: DashboardSnapshot) {
  const { figures, live, operations } = snapshot;
  setText('attainment', percent(figures.attainment), figures.attainment);
  for (const name of FIGURE_COUNTS) setText(name, figures[name], figures[name]);
  setText('first-attempt-within-sla', percent(figures.firstAttemptWithinSla), figures.firstAttemptWithinSla);
  setText('contact-rate', percent(figures.contactRate), figures.contactRate);
  setText('speed-p50', seconds(figures.speedToLead.p50), figures.speedToLead.p50);
  setText('speed-p90', seconds(figures.speedToLead.p90), figures.speedToLead.p90);
  setText('live-attainment', `${percent(live.attainment)} (${live.met}/${live.eligible})`, live.attainment);
  const depth = operations.queue.reduce((sum, row) => sum + row.depth, 0);
  setText('queue-depth', depth, depth);
  setText(
    'period',
    `${new Date(snapshot.period.from).toLocaleString()} – ${new Date(snapshot.period.to).toLocaleString()}`,
  );
  setText('updated-at', new Date().toLocaleTimeString());

  fillList(
    byTestId('agents'),
    Object.entries(operations.agents).map(([state, count]) => [
      `agents-${state}`,
      `${STATE_LABELS[state] ?? state}: ${count}${state === 'paused' ? pausedDetail(operations.pausedFor) : ''}`,
    ]),
  );
  fillList(
    byTestId('breach-reasons'),
    Object.entries(figures.breachReasons).map(([reason, count]) => [
      `reason-${reason}`,
      `${reasonLabel(reason)}: ${count}`,
    ]),
  );
  fillOptions('campaign', snapshot.campaigns);
  fillOptions('group', snapshot.groups);
  renderBreaches(snapshot);
  renderCharts(snapshot);
  renderCsvLink(snapshot);
}

/** Why the paused agents are paused, e.g. " (missed offers: 1, break: 2)". */
function pausedDetail(pausedFor: Record<string, number> | undefined) {
  const parts = Object.entries(pausedFor ?? {}).map(
    ([reason, count]) => `${PAUSE_LABELS[reason] ?? reason.replaceAll('_', ' ')}: ${count}`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** A list of one line per item, each with its test id. */
function fillList(list: HTMLElement, items: [testId: string, text: string][]) {
  list.replaceChildren(
    ...items.map(([testId, text]) => {
      const item = document.createElement('li');
      item.dataset.testid = testId;
      item.textContent = text;
      return item;
    }),
  );
}

function renderBreaches(snapshot: DashboardSnapshot) {
  const rows = snapshot.breaches.map((breach) => {
    const row = document.createElement('tr');
    row.dataset.testid = 'breach-row';
    row.dataset.leadId = breach.leadId;
    const link = document.createElement('a');
    link.href = `/manager/leads/${encodeURIComponent(breach.leadId)}`;
    link.dataset.testid = 'breach-link';
    link.textContent = breach.leadId.slice(0, 8);
    link.title = breach.leadId;
    const cells = [
      link,
      breach.campaign,
      new Date(breach.dueAt).toLocaleString(),
      reasonLabel(breach.reason),
      breach.agentName ?? breach.agentId ?? '—',
    ];
    row.append(
      ...cells.map((content, i) => {
        const cell = document.createElement('td');
        if (i === 3) cell.dataset.reason = breach.reason;
        cell.append(content);
        return cell;
      }),
    );
    return row;
  });
  byTestId<HTMLTableElement>('breaches').tBodies[0]?.replaceChildren(...rows);
  const shown = snapshot.breaches.length;
  setText(
    'breach-count',
    shown < snapshot.figures.breached
      ? `(${shown} of ${snapshot.figures.breached}; all in the CSV)`
      : `(${shown})`,
  );
}

/** The CSV of the period the figures cover, exactly (a live window moves: the link asks for it again). */
function renderCsvLink(snapshot: DashboardSnapshot) {
  const params = new URLSearchParams();
  if (snapshot.filters.window === 'live') params.set('window', 'live');
  else {
    params.set('from', snapshot.period.from);
    params.set('to', snapshot.period.to);
  }
  if (snapshot.filters.campaign) params.set('campaign', snapshot.filters.campaign);
  if (snapshot.filters.group) params.set('group', snapshot.filters.group);
  byTestId<HTMLAnchorElement>('csv-link').href = `/v1/reports/sla.csv?${params}`;
}
