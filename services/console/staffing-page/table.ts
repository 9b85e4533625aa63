// The hour-by-hour table, the day's totals and the assumptions line under the chart. Text only
// (textContent), never markup from data.
import { byTestId } from '@pronto/pages/browser';
import {
  decimal,
  HANDLE_SOURCES,
  hourLabel,
  percent,
  type StaffingAnswer,
  type StaffingHour,
} from './answer.ts';

function cell(text: string, attributes: Record<string, string> = {}) {
  const td = document.createElement('td');
  td.textContent = text;
  td.className = 'number';
  for (const [name, value] of Object.entries(attributes)) td.setAttribute(name, value);
  return td;
}

/**
 * The gap in words as well as colour: "short 2.4" when fewer agents are signed in than the simulator
 * needs, "+1.5" when more, "0" when just enough, a dash before the hour has started.
 */
function gapCell(gap: number | null) {
  if (gap === null) return cell('—', { 'data-testid': 'gap', 'data-value': '' });
  const short = gap < 0;
  const text = short ? `short ${decimal(-gap)}` : gap > 0 ? `+${decimal(gap)}` : '0';
  const td = cell(text, {
    'data-testid': 'gap',
    'data-value': String(gap),
  });
  if (short) td.classList.add('short');
  return td;
}

function hourRow(hour: StaffingHour) {
  const row = document.createElement('tr');
  row.dataset.testid = `hour-${hour.hour}`;
  row.dataset.hour = String(hour.hour);
  if (!hour.open) row.classList.add('closed');
  const head = document.createElement('th');
  head.scope = 'row';
  head.textContent = hour.open ? hourLabel(hour.hour) : `${hourLabel(hour.hour)} (closed)`;
  row.append(
    head,
    cell(decimal(hour.forecastArrivals, 2), {
      'data-testid': 'forecast',
      'data-value': String(hour.forecastArrivals),
    }),
    cell(String(hour.erlangAgents), { 'data-testid': 'erlang', 'data-value': String(hour.erlangAgents) }),
    cell(percent(hour.erlangServiceLevel)),
    hour.simulatedAgents === null
      ? cell('—', {
          'data-testid': 'simulated',
          'data-value': '',
          title:
            "Too busy an hour to simulate in an answer: the gap uses Erlang's count (npm run simulate takes it)",
        })
      : cell(String(hour.simulatedAgents), {
          'data-testid': 'simulated',
          'data-value': String(hour.simulatedAgents),
        }),
    cell(
      hour.belowTarget
        ? `${percent(hour.simulatedAttainment)} (below target)`
        : percent(hour.simulatedAttainment),
      {
        'data-testid': 'simulated-attainment',
      },
    ),
    cell(decimal(hour.signedInAgents), {
      'data-testid': 'signed-in',
      'data-value': hour.signedInAgents === null ? '' : String(hour.signedInAgents),
    }),
    gapCell(hour.gap),
  );
  return row;
}

function setCell(testid: string, text: string) {
  byTestId(testid).textContent = text;
}

/** The table's rows and totals for the answer. */
export function renderTable(answer: StaffingAnswer) {
  const table = byTestId<HTMLTableElement>('staffing-hours');
  (table.tBodies[0] as HTMLTableSectionElement).replaceChildren(...answer.hours.map(hourRow));
  const totals = answer.totals;
  setCell('total-forecast', decimal(totals.forecastArrivals, 2));
  setCell('total-erlang', `${decimal(totals.erlangAgentHours)} agent-h`);
  setCell('total-simulated', `${decimal(totals.simulatedAgentHours)} agent-h`);
  setCell(
    'total-signed-in',
    totals.signedInAgentHours === null ? '—' : `${decimal(totals.signedInAgentHours)} agent-h`,
  );
}

/** Where the target comes from, when the manager did not type it. */
const TARGET_SOURCES: Record<string, string> = {
  query: '',
  campaign: " (the campaign's attainment alert threshold)",
  default: '',
};

/**
 * The target and what the hours are staffed for: a target above the reach cannot be met by any
 * number of agents, so the answer staffs for less, and the page says so instead of showing a
 * simulated attainment that seems to miss it.
 */
function targetText(answer: StaffingAnswer): string {
  const offered = `offered to an agent within ${decimal(answer.targetSeconds)} s`;
  const source = TARGET_SOURCES[answer.targetSource] ?? '';
  const target = `target ${percent(answer.target)}${source} of leads contacted within the ${answer.slaSeconds} s SLA`;
  if (!answer.targetCapped) return `${target} (${offered})`;
  return (
    `${target}: more than the ${percent(answer.reachWithinSla)} any staffing can reach with ` +
    `${answer.attemptsWithinSla} dials, so staffed for ${percent(answer.attainmentTarget)} contacted ` +
    `(${percent(answer.serviceLevelTarget)} of leads ${offered})`
  );
}

/** What the figures assume, in one line: handle time and its source, answer rate, reach, target, SLA. */
export function renderAssumptions(answer: StaffingAnswer) {
  const arrivals =
    answer.arrivalsSource === 'query'
      ? 'leads per hour as given'
      : `leads per hour: the mean of the same weekday's hours over the last ${answer.weeks} weeks`;
  const multiplier = answer.arrivalMultiplier === 1 ? '' : ` × ${decimal(answer.arrivalMultiplier, 2)}`;
  setCell(
    'staffing-assumptions',
    [
      `Handle time ${decimal(answer.handleSeconds)} s, from ${HANDLE_SOURCES[answer.handleSource] ?? answer.handleSource}`,
      `answer rate ${percent(answer.answerRate)}`,
      `reach within SLA ${percent(answer.reachWithinSla)} (the most any staffing can contact)`,
      targetText(answer),
      `${arrivals}${multiplier}`,
      `times in ${answer.timeZone}`,
    ].join(' · '),
  );
}
