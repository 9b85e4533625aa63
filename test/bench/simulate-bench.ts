// node --import tsx test/bench/simulate-bench.ts [--runs 3]; env BENCH_SIMULATE_RUNS does the same.
//
// The simulator on one day of traffic: 20,000 leads over 24 hours (Poisson, a day-shaped hourly
// profile), 200 agents signed in all day, the default dialer profile and retry policy (so about 2.3
// dials a lead), each policy in turn on the same seeded traffic. Prints wall and CPU time per day-run
// and leads simulated per second, PASS/MISS against the 3 s target (the best of the runs, one core),
// then the time of one simulated staffing search step (agentsNeededBySimulation's run at 500 leads an
// hour). A benchmark, not a test: it exits 0 either way.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  agentsNeededBySimulation,
  POLICIES,
  POLICY_NAMES,
  type SimulationInput,
  simulate,
} from '../../services/dispatcher/src/simulator/index.ts';
import { campaignFixture } from '../../services/dispatcher/src/simulator/sim-fixtures.ts';

const TARGET_MS = 3_000;
const LEADS_PER_DAY = 20_000;
const AGENTS = 200;
const START = Date.UTC(2026, 11, 7);
const HOUR = 3_600_000;
/** Relative arrivals per hour of the day: quiet at night, a morning and an evening peak. */
const DAY_SHAPE = [1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 7, 7, 8, 8, 8, 8, 9, 9, 7, 5, 3, 2];

const { values: flags } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(flags.runs ?? process.env.BENCH_SIMULATE_RUNS ?? 3);
const log = (line = '') => process.stdout.write(`${line}\n`);

const shapeTotal = DAY_SHAPE.reduce((sum, weight) => sum + weight, 0);
const campaign = campaignFixture({ id: 'bench' });

function day(policy: SimulationInput['policy']): SimulationInput {
  return {
    seed: 20_000,
    policy,
    start: START,
    durationMs: 24 * HOUR,
    campaign,
    agents: Array.from({ length: AGENTS }, (_, n) => ({
      id: `agent-${n}`,
      groups: ['sales'],
      shifts: [{ from: START, to: START + 26 * HOUR }],
    })),
    arrivals: { kind: 'poisson', perHour: DAY_SHAPE.map((weight) => (LEADS_PER_DAY * weight) / shapeTotal) },
    handle: { kind: 'lognormal', meanSeconds: 180, sdSeconds: 90 },
    mode: 'profile',
  };
}

function measure<T>(work: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const value = work();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1_000 };
}

log(
  `simulate-bench: one day, ${LEADS_PER_DAY} leads expected, ${AGENTS} agents, profile mode, best of ${runs} runs`,
);
log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(2)}`,
);
log();
log('| policy | leads | attainment | occupancy | wall ms (best) | cpu ms | leads/s | verdict |');
log('|---|---|---|---|---|---|---|---|');
for (const name of POLICY_NAMES) {
  const samples = Array.from({ length: runs }, () => measure(() => simulate(day(POLICIES[name]))));
  const best = samples.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const { total } = best.value;
  const leadsPerSecond = Math.round(total.leads / (best.wallMs / 1_000));
  const verdict = best.wallMs <= TARGET_MS ? `PASS (<= ${TARGET_MS} ms)` : `MISS (target ${TARGET_MS} ms)`;
  log(
    `| ${name} | ${total.leads} | ${((total.attainment ?? 0) * 100).toFixed(1)}% | ${((total.occupancy ?? 0) * 100).toFixed(1)}% | ${Math.round(best.wallMs)} | ${Math.round(best.cpuMs)} | ${leadsPerSecond} | ${verdict} |`,
  );
}

const search = measure(() =>
  agentsNeededBySimulation({
    seed: 1,
    policy: POLICIES.edf,
    campaign,
    handle: { kind: 'lognormal', meanSeconds: 180, sdSeconds: 90 },
    mode: 'erlang',
    arrivalsPerHour: 500,
    target: 0.9,
    hint: 30,
  }),
);
log();
log(
  `agentsNeededBySimulation, 500 leads/h, erlang mode, hint 30: ${search.value.agents} agents (attainment ${(search.value.attainment * 100).toFixed(1)}%) in ${Math.round(search.wallMs)} ms`,
);
