// The manager dashboard: signs in, reads the figures for the chosen filters once
// (/manager/snapshot), then follows them live (/manager/stream, server-sent events) without a reload.
// Everything on screen is drawn by render() from the latest snapshot.

const REASON_LABELS = {
  no_agent_available: 'No agent available',
  no_answer_all_attempts: 'No answer on any attempt',
  outside_window: 'Outside the calling window',
  agent_missed_offer: 'Agent missed the offer',
  dialer_error: 'Dialer error',
};
const STATE_LABELS = {
  offline: 'Offline',
  available: 'Available',
  offered: 'Offered',
  dialing: 'Dialing',
  on_call: 'On call',
  wrap_up: 'Wrap-up',
  paused: 'Paused',
};
const PAUSE_LABELS = {
  missed_offers: 'missed two leads in a row',
  break: 'break',
  lunch: 'lunch',
  training: 'training',
  meeting: 'meeting',
  other: 'other',
};
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const $ = (selector) => document.querySelector(selector);
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const charts = {};
let stream;

/** A share as a percentage with one decimal ("92.9 %"); a dash when nothing is eligible. */
const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)} %`);
const seconds = (value) => (value === null || value === undefined ? '—' : `${Math.round(value)} s`);

function setText(testId, text, value) {
  const element = byTestId(testId);
  element.textContent = String(text);
  if (value !== undefined) element.dataset.value = value === null ? '' : String(value);
}

async function problemDetail(response) {
  try {
    const problem = await response.json();
    const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.detail}`).join('; ');
    return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// --- signing in --------------------------------------------------------------------------------

async function start() {
  const response = await fetch('/manager/session');
  if (response.ok) showDashboard((await response.json()).manager);
  else showSignIn();
}

function showSignIn() {
  stream?.close();
  $('#dashboard').hidden = true;
  $('#signin').hidden = false;
  byTestId('signin-username').focus();
}

$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch('/manager/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (!response.ok) {
    setText('signin-error', await problemDetail(response));
    return;
  }
  setText('signin-error', '');
  event.target.reset();
  showDashboard((await response.json()).manager);
});

$('#signout').addEventListener('click', async () => {
  await fetch('/manager/session', { method: 'DELETE' });
  showSignIn();
});

function showDashboard(manager) {
  $('#signin').hidden = true;
  $('#dashboard').hidden = false;
  setText('manager-name', manager.displayName);
  loadFiltersFromUrl();
  follow();
}

// --- filters -----------------------------------------------------------------------------------

const filtersForm = $('#filters');

function loadFiltersFromUrl() {
  const params = new URLSearchParams(location.search);
  const range = params.get('from') || params.get('to') ? 'dates' : (params.get('window') ?? 'today');
  filtersForm.elements.range.value = range;
  filtersForm.elements.from.value = params.get('from') ?? '';
  filtersForm.elements.to.value = params.get('to') ?? '';
  for (const name of ['campaign', 'group']) ensureOption(filtersForm.elements[name], params.get(name) ?? '');
  syncRangeInputs();
}

function ensureOption(select, value) {
  if (value && ![...select.options].some((option) => option.value === value))
    select.add(new Option(value, value));
  select.value = value;
}

function syncRangeInputs() {
  const dates = filtersForm.elements.range.value === 'dates';
  filtersForm.elements.from.disabled = !dates;
  filtersForm.elements.to.disabled = !dates;
}

/** The page's filters as the query of /manager/snapshot, /manager/stream and the CSV. */
function filterQuery() {
  const elements = filtersForm.elements;
  const params = new URLSearchParams();
  if (elements.range.value === 'dates') {
    if (elements.from.value) params.set('from', elements.from.value);
    if (elements.to.value) params.set('to', elements.to.value);
  } else {
    params.set('window', elements.range.value);
    if (elements.range.value === 'today') params.set('tz', TIME_ZONE);
  }
  if (elements.campaign.value) params.set('campaign', elements.campaign.value);
  if (elements.group.value) params.set('group', elements.group.value);
  return params;
}

filtersForm.elements.range.addEventListener('change', syncRangeInputs);
filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  history.replaceState(null, '', `/manager?${filterQuery()}`);
  follow();
});

// --- live figures ------------------------------------------------------------------------------

function setStatus(state) {
  const element = byTestId('live-status');
  element.dataset.state = state;
  element.textContent = state;
}

/** Reads the figures once (a bad filter is told here, as a problem), then follows them live. */
async function follow() {
  stream?.close();
  const query = filterQuery();
  setStatus('connecting');
  const response = await fetch(`/manager/snapshot?${query}`);
  if (response.status === 401) return showSignIn();
  if (!response.ok) {
    setText('filter-error', await problemDetail(response));
    setStatus('offline');
    return;
  }
  setText('filter-error', '');
  render(await response.json());
  stream = new EventSource(`/manager/stream?${query}`);
  stream.addEventListener('open', () => setStatus('live'));
  stream.addEventListener('snapshot', (event) => render(JSON.parse(event.data)));
  stream.addEventListener('error', () =>
    setStatus(stream.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'),
  );
}

function render(snapshot) {
  const { figures, live, operations } = snapshot;
  setText('attainment', percent(figures.attainment), figures.attainment);
  for (const name of ['met', 'eligible', 'breached', 'open', 'suppressed'])
    setText(name, figures[name], figures[name]);
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
      `${REASON_LABELS[reason] ?? reason}: ${count}`,
    ]),
  );
  fillOptions(filtersForm.elements.campaign, snapshot.campaigns);
  fillOptions(filtersForm.elements.group, snapshot.groups);
  renderBreaches(snapshot);
  renderCharts(snapshot);
  renderCsvLink(snapshot);
}

/** Why the paused agents are paused, e.g. " (missed offers: 1, break: 2)". */
function pausedDetail(pausedFor) {
  const parts = Object.entries(pausedFor ?? {}).map(
    ([reason, count]) => `${PAUSE_LABELS[reason] ?? reason.replaceAll('_', ' ')}: ${count}`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function fillList(list, items) {
  list.replaceChildren(
    ...items.map(([testId, text]) => {
      const item = document.createElement('li');
      item.dataset.testid = testId;
      item.textContent = text;
      return item;
    }),
  );
}

function fillOptions(select, values) {
  const chosen = select.value;
  const all = new Set([...values, ...(chosen ? [chosen] : [])]);
  select.replaceChildren(new Option('All', ''), ...[...all].sort().map((value) => new Option(value, value)));
  select.value = chosen;
}

function renderBreaches(snapshot) {
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
      REASON_LABELS[breach.reason] ?? breach.reason,
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
  byTestId('breaches').tBodies[0].replaceChildren(...rows);
  const shown = snapshot.breaches.length;
  setText(
    'breach-count',
    shown < snapshot.figures.breached
      ? `(${shown} of ${snapshot.figures.breached}; all in the CSV)`
      : `(${shown})`,
  );
}

function renderCsvLink(snapshot) {
  const params = new URLSearchParams();
  // The period the figures cover, exactly (a live window moves: the link asks for it again).
  if (snapshot.filters.window === 'live') params.set('window', 'live');
  else {
    params.set('from', snapshot.period.from);
    params.set('to', snapshot.period.to);
  }
  if (snapshot.filters.campaign) params.set('campaign', snapshot.filters.campaign);
  if (snapshot.filters.group) params.set('group', snapshot.filters.group);
  byTestId('csv-link').href = `/v1/reports/sla.csv?${params}`;
}

function renderCharts(snapshot) {
  if (!window.Chart) return;
  const speed = snapshot.speedToLead;
  const speedLabels = [...speed.bounds.map((bound) => `≤ ${bound} s`), `> ${speed.bounds.at(-1)} s`];
  const speedData = [...speed.counts, speed.over];
  const hourLabels = snapshot.hours.map((slice) => `${String(slice.hour).padStart(2, '0')}:00`);
  const hourData = snapshot.hours.map((slice) => (slice.attainment === null ? null : slice.attainment * 100));
  drawBar('chart-speed', speedLabels, speedData, 'Leads', {});
  drawBar('chart-hours', hourLabels, hourData, 'Attainment %', { y: { min: 0, max: 100 } });
}

function drawBar(id, labels, data, label, scales) {
  const existing = charts[id];
  if (existing) {
    existing.data.labels = labels;
    existing.data.datasets[0].data = data;
    existing.update('none');
    return;
  }
  charts[id] = new window.Chart(document.getElementById(id), {
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: '#0b5cad' }] },
    options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales },
  });
}

start();
