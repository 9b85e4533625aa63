// node --import tsx test/bench/policy-bench.ts [--calls 200] [--warmup 50]; env BENCH_POLICY_CALLS and
//   BENCH_POLICY_WARMUP do the same.
//
// The dispatch policy alone, no I/O: the time one decision round takes (one call of the policy) for
// a full round (10,000 queued leads over 5 campaigns, 500 free agents in primary and backup groups)
// and for the common round (the same queue, one agent freeing up). The traffic comes from a seeded
// PRNG, so runs on different machines or commits see the same leads. Wall time per call (p50, p99,
// max) next to the process's mean CPU time per call: on a shared machine the gap is time spent waiting
// for a core. A benchmark, not a test: it prints figures and PASS/MISS against the 5 ms per decision
// target (on the wall p99), and exits 0 either way.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { seededRandom } from '@pronto/testing';
import {
  type CampaignRules,
  type DispatchPolicy,
  defaultPolicy,
  type FreeAgent,
  fifoPolicy,
  type PolicyInput,
  type QueuedLead,
} from '../../services/dispatcher/src/policy/index.ts';

const TARGET_MS = 5;
const NOW = 1_767_225_600_000;
const LEADS = 10_000;
const AGENTS = 500;
const CAMPAIGNS = 5;
const SLA_MS = 300_000;
const SPREAD_MS = 600_000;
const BACKUP_GROUP = 'overflow';

const { values: flags } = parseArgs({
  options: { calls: { type: 'string' }, warmup: { type: 'string' } },
});
const calls = Number(flags.calls ?? process.env.BENCH_POLICY_CALLS ?? 200);
const warmup = Number(flags.warmup ?? process.env.BENCH_POLICY_WARMUP ?? 50);
const log = (line = '') => process.stdout.write(`${line}\n`);

const teamOf = (campaign: number) => `team-${campaign}`;

/** Each campaign has its own team first, then the shared overflow group; overflow below 120 s of slack. */
function campaigns(): Map<string, CampaignRules> {
  return new Map(
    Array.from({ length: CAMPAIGNS }, (_, c) => {
      const rules: CampaignRules = {
        id: `campaign-${c}`,
        agentGroups: [teamOf(c), BACKUP_GROUP],
        overflowThresholdMs: 120_000,
      };
      return [rules.id, rules];
    }),
  );
}

/** Due times from 10 minutes breached to 10 minutes ahead, scores 0-100, some leads re-queued after a retry. */
function queue(random: () => number): QueuedLead[] {
  return Array.from({ length: LEADS }, (_, n) => {
    const dueAt = NOW + Math.round((random() * 2 - 1) * SPREAD_MS);
    return {
      id: `lead-${n}`,
      campaignId: `campaign-${Math.floor(random() * CAMPAIGNS)}`,
      dueAt,
      score: Math.floor(random() * 101),
      queuedAt: dueAt - SLA_MS + Math.floor(random() * 60_000),
    };
  });
}

/** 90% in the campaigns' teams, one in five of those also in the overflow group, the rest overflow only. */
function agents(random: () => number, count: number): FreeAgent[] {
  return Array.from({ length: count }, (_, n) => {
    const availableSince = NOW - Math.floor(random() * SPREAD_MS);
    const id = `agent-${n}`;
    if (n % 10 === 9) return { id, groups: [BACKUP_GROUP], availableSince };
    const team = teamOf(n % CAMPAIGNS);
    const alsoBackup = Math.floor(n / CAMPAIGNS) % 5 === 0;
    return { id, groups: alsoBackup ? [team, BACKUP_GROUP] : [team], availableSince };
  });
}

interface Timing {
  readonly assignments: number;
  /** CPU time of the process per call, mean: unlike wall time, not inflated by other processes' load. */
  readonly cpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending values. */
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;

function time(policy: DispatchPolicy, input: PolicyInput): Timing {
  let assignments = 0;
  for (let n = 0; n < warmup; n += 1) assignments = policy(input).length;
  const ms: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let n = 0; n < calls; n += 1) {
    const start = process.hrtime.bigint();
    assignments = policy(input).length;
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cpu = process.cpuUsage(cpuStart);
  ms.sort((a, b) => a - b);
  return {
    assignments,
    cpuMs: (cpu.user + cpu.system) / 1000 / calls,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    max: ms.at(-1) ?? Number.NaN,
  };
}

function row(policy: string, round: string, input: PolicyInput, timing: Timing): string {
  const perAssignment = timing.assignments > 0 ? ((timing.p50 * 1000) / timing.assignments).toFixed(1) : '-';
  const verdict = timing.p99 <= TARGET_MS ? `PASS (<= ${TARGET_MS} ms)` : `MISS (target ${TARGET_MS} ms)`;
  return `| ${policy} | ${round} | ${input.queue.length} | ${input.agents.length} | ${timing.assignments} | ${timing.p50.toFixed(3)} | ${timing.p99.toFixed(3)} | ${timing.max.toFixed(3)} | ${timing.cpuMs.toFixed(3)} | ${perAssignment} | ${verdict} |`;
}

function main() {
  log(
    `Pronto dispatch policy benchmark: ${calls} calls per row after ${warmup} warm-up calls; target p99 <= ${TARGET_MS} ms per decision round`,
  );
  log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const random = seededRandom(20_261_124);
  const leads = queue(random);
  const rounds: [string, PolicyInput][] = [
    ['full round', { queue: leads, agents: agents(random, AGENTS), campaigns: campaigns(), now: NOW }],
    ['one agent frees up', { queue: leads, agents: agents(random, 1), campaigns: campaigns(), now: NOW }],
  ];
  const policies: [string, DispatchPolicy][] = [
    ['default', defaultPolicy],
    ['fifo', fifoPolicy],
  ];
  const rows: string[] = [];
  for (const [round, input] of rounds)
    for (const [name, policy] of policies) rows.push(row(name, round, input, time(policy, input)));
  log(
    '\n| policy | round | leads | free agents | assignments per call | p50 ms | p99 ms | max ms | CPU ms per call (mean) | µs per assignment (p50) | 5 ms per decision (p99) |',
  );
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const line of rows) log(line);
  log(
    `\nload average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}: wall times include waiting for a core while the load exceeds ${cpus().length}; the CPU column does not.`,
  );
}

main();
