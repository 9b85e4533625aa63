import { POLICIES, type PolicyName } from './policies.ts';
import { simulate } from './simulate.ts';
import type { SimFigures, SimulationInput } from './types.ts';
import { upperBound } from './upper-bound.ts';

/** One policy at one load, beside the bound on the same traffic. */
export interface ComparisonRow {
  readonly policy: PolicyName;
  readonly load: number;
  readonly agents: number;
  readonly figures: SimFigures;
  readonly bound: SimFigures;
  readonly wallMs: number;
}

export interface ComparisonPlan {
  readonly policies: readonly PolicyName[];
  readonly loads: readonly number[];
  /** The traffic at a load; every policy runs on the same one (same seed, same draws). */
  readonly scenario: (load: number) => Omit<SimulationInput, 'policy'>;
  readonly onProgress?: (done: number, total: number, row: ComparisonRow) => void;
  /** For the wall time of each run (injected: no clock inside the logic). */
  readonly clock: () => number;
}

export function comparePolicies(plan: ComparisonPlan): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const total = plan.policies.length * plan.loads.length;
  for (const load of plan.loads) {
    const traffic = plan.scenario(load);
    const bound = upperBound({ ...traffic, policy: POLICIES.edf });
    for (const policy of plan.policies) {
      const started = plan.clock();
      const { total: figures } = simulate({ ...traffic, policy: POLICIES[policy] });
      const row = {
        policy,
        load,
        agents: traffic.agents.length,
        figures,
        bound,
        wallMs: plan.clock() - started,
      };
      rows.push(row);
      plan.onProgress?.(rows.length, total, row);
    }
  }
  return rows;
}

const percent = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);
const seconds = (value: number | null) => (value === null ? '>run' : `${value.toFixed(1)}s`);

const COLUMNS: readonly [string, (row: ComparisonRow) => string][] = [
  ['policy', (row) => row.policy],
  ['load', (row) => `${Math.round(row.load * 100)}%`],
  ['agents', (row) => String(row.agents)],
  ['leads', (row) => String(row.figures.leads)],
  ['attainment', (row) => percent(row.figures.attainment)],
  ['first dial in SLA', (row) => percent(row.figures.firstDialWithinSla)],
  ['stl p50', (row) => seconds(row.figures.speedToLead.p50)],
  ['stl p90', (row) => seconds(row.figures.speedToLead.p90)],
  ['stl p99', (row) => seconds(row.figures.speedToLead.p99)],
  ['occupancy', (row) => percent(row.figures.occupancy)],
  ['value met', (row) => percent(row.figures.valueMet)],
  ['upper bound', (row) => percent(row.bound.attainment)],
];

/** An aligned text table, one line per policy and load ("stl" = speed to lead, first dial). */
export function formatTable(rows: readonly ComparisonRow[]): string {
  const cells = [COLUMNS.map(([name]) => name), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...cells.map((line) => (line[column] as string).length)),
  );
  return cells
    .map((line) =>
      line
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number),
        )
        .join('  '),
    )
    .join('\n');
}

const CSV_HEADER = [
  'policy',
  'load',
  'agents',
  'leads',
  'met',
  'attainment',
  'first_dial_within_sla',
  'speed_to_lead_p50_s',
  'speed_to_lead_p90_s',
  'speed_to_lead_p99_s',
  'occupancy',
  'value_met',
  'no_agent_available',
  'no_answer_all_attempts',
  'outside_window',
  'dialer_error',
  'upper_bound_attainment',
  'upper_bound_value_met',
];

const csvNumber = (value: number | null) =>
  value === null ? '' : String(Math.round(value * 10_000) / 10_000);

/** The same rows as CSV, shares as fractions, empty for unknown. */
export function toCsv(rows: readonly ComparisonRow[]): string {
  const lines = rows.map(({ policy, load, agents, figures: f, bound }) =>
    [
      policy,
      load,
      agents,
      f.leads,
      f.met,
      csvNumber(f.attainment),
      csvNumber(f.firstDialWithinSla),
      csvNumber(f.speedToLead.p50),
      csvNumber(f.speedToLead.p90),
      csvNumber(f.speedToLead.p99),
      csvNumber(f.occupancy),
      csvNumber(f.valueMet),
      f.breachReasons.no_agent_available,
      f.breachReasons.no_answer_all_attempts,
      f.breachReasons.outside_window,
      f.breachReasons.dialer_error,
      csvNumber(bound.attainment),
      csvNumber(bound.valueMet),
    ].join(','),
  );
  return `${[CSV_HEADER.join(','), ...lines].join('\n')}\n`;
}
