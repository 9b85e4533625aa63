// npm run simulate -- [--policy edf,fifo,slack] [--load 0.8,1.0,1.2] [--agents 50] [--hours 8]
//   [--handle 180] [--seed 1] [--csv simulation.csv]
//   [--tenant demo --campaign cash-loan --from ISO --to ISO]   (replay; reads DATABASE_URL)
//
// Runs each policy at each load on the same traffic and prints a table beside the upper bound; writes
// the same rows to a CSV (default ./simulation.csv, in the directory npm runs from: the repository root).
// Load = arrival rate / capacity, capacity = agents / the mean agent time a lead takes, non-contact
// dials included (meanAgentMsPerLead). Without --tenant: Poisson arrivals at that rate for --hours
// after a 30-minute warm-up, the default dialer profile and retry policy, a 300 s SLA. With --tenant:
// the campaign's real lead arrivals and settings over [--from, --to), and the load sets the agents.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { meanAgentMsPerLead } from './call-plan.ts';
import { type ComparisonRow, comparePolicies, formatTable, toCsv } from './compare.ts';
import { POLICY_NAMES, type PolicyName } from './policies.ts';
import { campaignFixture, HOUR, MONDAY, team } from './sim-fixtures.ts';
import { loadReplay, type ReplayScenario } from './tenant-replay.ts';
import type { HandleTime, SimAgent, SimCampaign, SimulationInput } from './types.ts';
import { campaignClock, type WindowClock } from './window-clock.ts';

const WARMUP_MS = HOUR / 2;

/** A bad flag: the message names it; the command exits 2. */
class FlagError extends Error {}

interface Options {
  policies: PolicyName[];
  loads: number[];
  agents: number;
  hours: number;
  handleSeconds: number;
  seed: number;
  csv: string;
  replay?: { tenant: string; campaign: string; from: Date; to: Date };
}

function list(flag: string, text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new FlagError(`--${flag} needs at least one value`);
  return items;
}

function positive(
  flag: string,
  text: string,
  { integer = false, max = Number.POSITIVE_INFINITY } = {},
): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value)))
    throw new FlagError(
      `--${flag} must be a ${integer ? 'whole number' : 'number'} above 0${Number.isFinite(max) ? ` and at most ${max}` : ''}, got "${text}"`,
    );
  return value;
}

function instant(flag: string, text: string | undefined): Date {
  const date = new Date(text ?? '');
  if (text === undefined || Number.isNaN(date.getTime()))
    throw new FlagError(`--${flag} must be a date and time (ISO 8601), got "${text ?? ''}"`);
  return date;
}

function parseOptions(argv: string[]): Options {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: Object.fromEntries(
        [
          'policy',
          'load',
          'agents',
          'hours',
          'handle',
          'seed',
          'csv',
          'tenant',
          'campaign',
          'from',
          'to',
        ].map((name) => [name, { type: 'string' as const }]),
      ),
    }));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const policies = list('policy', values.policy ?? 'edf,fifo,slack').map((name) => {
    if (!(POLICY_NAMES as string[]).includes(name))
      throw new FlagError(`--policy: unknown policy "${name}" (known: ${POLICY_NAMES.join(', ')})`);
    return name as PolicyName;
  });
  const options: Options = {
    policies,
    loads: list('load', values.load ?? '0.8,1.0,1.2').map((text) => positive('load', text, { max: 10 })),
    agents: positive('agents', values.agents ?? '50', { integer: true, max: 5_000 }),
    hours: positive('hours', values.hours ?? '8', { max: 24 * 31 }),
    handleSeconds: positive('handle', values.handle ?? '180', { max: 7_200 }),
    seed: positive('seed', values.seed ?? '1', { integer: true }),
    csv: resolve(values.csv ?? 'simulation.csv'),
  };
  if (
    values.tenant !== undefined ||
    values.campaign !== undefined ||
    values.from !== undefined ||
    values.to !== undefined
  ) {
    if (values.tenant === undefined)
      throw new FlagError('--tenant is needed with --campaign, --from and --to');
    if (values.campaign === undefined) throw new FlagError('--campaign is needed with --tenant');
    const from = instant('from', values.from);
    const to = instant('to', values.to);
    if (to <= from) throw new FlagError('--to must be after --from');
    if (to.getTime() - from.getTime() > MAX_REPLAY_DAYS * 24 * HOUR)
      throw new FlagError(`--from and --to may be at most ${MAX_REPLAY_DAYS} days apart`);
    options.replay = { tenant: values.tenant, campaign: values.campaign, from, to };
  }
  if (!options.replay) refuseHugeRuns(options);
  return options;
}

/** A run's leads are held in memory: a few million is what one process plays in minutes. */
const MAX_LEADS_PER_RUN = 2_000_000;
/** The longest span --tenant replays (a month of a large campaign is already millions of dials). */
const MAX_REPLAY_DAYS = 31;

/** Flags whose run would be more leads than MAX_LEADS_PER_RUN: refused before anything is drawn. */
function refuseHugeRuns(options: Options) {
  const campaign = campaignFixture();
  const leadsPerAgentHour = HOUR / perLeadMs(campaign, handleOf(options.handleSeconds));
  const leads = options.agents * options.hours * leadsPerAgentHour * Math.max(...options.loads);
  if (leads > MAX_LEADS_PER_RUN)
    throw new FlagError(
      `--agents ${options.agents} at --load ${Math.max(...options.loads)} for --hours ${options.hours} is about ${Math.round(leads).toLocaleString('en')} leads a run; at most ${MAX_LEADS_PER_RUN.toLocaleString('en')}: fewer agents, hours or load`,
    );
}

/** Lognormal with a standard deviation of half the mean: call lengths are skewed, never negative. */
const handleOf = (seconds: number): HandleTime => ({
  kind: 'lognormal',
  meanSeconds: seconds,
  sdSeconds: seconds / 2,
});

function perLeadMs(campaign: SimCampaign, handle: HandleTime): number {
  return meanAgentMsPerLead(
    { mode: 'profile', profile: campaign.dialerProfile, handle },
    campaign.retryPolicy,
  );
}

/** Poisson traffic at `load` times what the agents can take. */
function syntheticScenario(options: Options): (load: number) => Omit<SimulationInput, 'policy'> {
  const campaign = campaignFixture();
  const handle = handleOf(options.handleSeconds);
  const capacityPerHour = (options.agents * HOUR) / perLeadMs(campaign, handle);
  const durationMs = WARMUP_MS + options.hours * HOUR;
  return (load) => ({
    seed: options.seed,
    start: MONDAY,
    durationMs,
    warmupMs: WARMUP_MS,
    campaign,
    agents: team(options.agents, MONDAY, MONDAY + durationMs + 2 * HOUR, campaign.agentGroups[0]),
    arrivals: { kind: 'poisson', perHour: [load * capacityPerHour] },
    handle,
    mode: 'profile',
  });
}

/** Per hour of the span, the agent time (ms) its arrivals need. */
function neededByHour(replay: ReplayScenario, from: number, hours: number, perLead: number): Float64Array {
  const needed = new Float64Array(hours);
  for (const lead of replay.leads) {
    const hour = Math.floor((lead.arrivedAt - from) / HOUR);
    if (hour >= 0 && hour < hours) needed[hour] = (needed[hour] as number) + perLead;
  }
  return needed;
}

/**
 * Agent n's shifts: the hours whose team has more than n agents, joined where they touch, and cut to
 * the calling window (nobody is signed in while the campaign cannot call).
 */
function shiftsOf(
  teamByHour: readonly number[],
  agent: number,
  from: number,
  clock: WindowClock,
): SimAgent['shifts'] {
  const shifts: { from: number; to: number }[] = [];
  teamByHour.forEach((size, hour) => {
    if (size <= agent) return;
    const start = from + hour * HOUR;
    const last = shifts.at(-1);
    if (last && last.to === start) last.to = start + HOUR;
    else shifts.push({ from: start, to: start + HOUR });
  });
  return shifts.flatMap((shift) => clock.openSpans(shift.from, shift.to));
}

/**
 * The tenant's leads as they came. Agents follow the traffic hour by hour, as a manager staffs to a
 * forecast (here a perfect one): in each hour, the agent time its arrivals need divided by the load,
 * rounded, at least one while the window is open. A small campaign has few agents, so neighbouring
 * loads may round to the same team.
 */
function replayScenario(
  options: Options,
  replay: ReplayScenario,
): (load: number) => Omit<SimulationInput, 'policy'> {
  const range = options.replay as NonNullable<Options['replay']>;
  const from = range.from.getTime();
  const to = range.to.getTime();
  const hours = Math.ceil((to - from) / HOUR);
  const handle = handleOf(options.handleSeconds);
  const needed = neededByHour(replay, from, hours, perLeadMs(replay.campaign, handle));
  const clock = campaignClock(replay.campaign, from, to);
  const group = replay.campaign.agentGroups[0] ?? 'agents';
  return (load) => {
    const teamByHour = Array.from(needed, (ms, hour) => {
      const open = clock.openSpans(from + hour * HOUR, from + (hour + 1) * HOUR).length > 0;
      return open ? Math.max(1, Math.round(ms / HOUR / load)) : 0;
    });
    const size = Math.max(0, ...teamByHour);
    return {
      seed: options.seed,
      start: from,
      durationMs: to - from,
      campaign: replay.campaign,
      agents: Array.from({ length: size }, (_, n) => ({
        id: `agent-${n}`,
        groups: [group],
        shifts: shiftsOf(teamByHour, n, from, clock),
      })),
      arrivals: { kind: 'replay', leads: replay.leads },
      handle,
      mode: 'profile',
    };
  };
}

async function loadTenant(replay: NonNullable<Options['replay']>): Promise<ReplayScenario> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new FlagError('--tenant replays from PostgreSQL: set DATABASE_URL');
  const db = await openDatabase({ url });
  try {
    return await loadReplay(db.sql, replay);
  } finally {
    await db.close();
  }
}

function progress(done: number, total: number, row: ComparisonRow): void {
  process.stderr.write(
    `simulate: ${done}/${total} ${row.policy} at ${Math.round(row.load * 100)}% (${row.figures.leads} leads, ${Math.round(row.wallMs)} ms)\n`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  let scenario = syntheticScenario(options);
  if (options.replay) {
    const replay = await loadTenant(options.replay);
    process.stderr.write(
      `simulate: ${replay.leads.length} leads of ${options.replay.tenant}/${options.replay.campaign}\n`,
    );
    scenario = replayScenario(options, replay);
  }
  const rows = comparePolicies({
    policies: options.policies,
    loads: options.loads,
    scenario,
    onProgress: progress,
    clock: () => performance.now(),
  });
  process.stdout.write(`${formatTable(rows)}\n`);
  writeFileSync(options.csv, toCsv(rows));
  process.stdout.write(`simulate: ${rows.length} rows written to ${options.csv}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof FlagError) {
    process.stderr.write(`simulate: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`simulate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
