// npm run bench (or: node --import tsx test/bench/offer-bench.ts [--rates 10,50] [--duration 20]);
//   env BENCH_OFFER_RATES, BENCH_DURATION do the same.
//
// Accept -> offer on an agent's WebSocket, against the real embedded process (PGlite): 20 agents
// signed in over the desktop protocol take every offer at once, and the demo campaign's calls end
// busy in milliseconds, so an agent is free again right after each accept. Signed events go out at
// a fixed rate; latency per lead = when its offer reached an agent's socket minus when its 202
// reached the sender. A benchmark: it prints figures and PASS/MISS, and exits 0 either way (1 only
// when it could not measure).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { createAgent } from '@pronto/tenancy';
import { WebSocket } from 'ws';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';
import { BENCH_KEY, postEvent } from './load.ts';
import { type CpuReport, cpuMeter } from './system.ts';
import { undoStack } from './undo-stack.ts';

const TARGET_P99_MS = 250;
const AGENT_COUNT = 20;
/** Offers slower than this are counted apart: a desktop shows them a noticeable moment late. */
const SLOW_OFFER_MS = 1_000;
/** How long to wait, after the last 202, for the offers still on their way. */
const OFFER_WAIT_MS = 60_000;
/** Leads per rate whose history is read for the split: enough for p90, few enough to read quickly. */
const SPLIT_SAMPLE = 200;
/** Named in docs/agent-protocol.md: the session cookie the desktop sends with the WebSocket upgrade. */
const SESSION_COOKIE = 'pronto_agent';

/**
 * The demo campaign's calls for this bench: the agent's phone answers at once and every number is
 * busy at once, so each accepted lead is dialed, ends in milliseconds and frees its agent.
 */
const FAST_BUSY_PROFILE = {
  rates: { answered: 0, no_answer: 0, busy: 1, voicemail: 0, failed: 0 },
  agentRingMs: [0, 0],
  postDialDelayMs: 0,
};

/** Retries wait 30 minutes, after the run: every offer measured is a lead's first. */
const RETRY_AFTER_THE_RUN = { shortDelaysSeconds: [1_800], cadenceSeconds: [1_800] };

const { values: flags } = parseArgs({
  options: { rates: { type: 'string' }, duration: { type: 'string', short: 'd' } },
});
const rates = (flags.rates ?? process.env.BENCH_OFFER_RATES ?? '10,50').split(',').map(Number);
const durationS = Number(flags.duration ?? process.env.BENCH_DURATION ?? 20);
for (const value of [...rates, durationS])
  if (!Number.isFinite(value) || value <= 0) throw new Error('rates and duration must be positive numbers');

const log = (line = '') => process.stdout.write(`${line}\n`);

const cleanups = undoStack(log);

/** A moment on two clocks: monotonic for latencies, epoch ms to compare with the server's timestamps. */
interface Stamp {
  mono: number;
  wall: number;
}
const stamp = (): Stamp => ({ mono: performance.now(), wall: Date.now() });

function startProntoIn(dataDir: string): Promise<ProntoProcess> {
  return startPronto({
    PRONTO_DATA_DIR: dataDir,
    PRONTO_DEMO_SECRET: BENCH_KEY.secret,
    PRONTO_DEMO_BOTS: '0',
    // Empty counts as unset: PGlite even when the caller's shell has DATABASE_URL.
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
  });
}

/**
 * The first start seeds the demo tenant, campaign and key; with Pronto stopped, the bench adds its
 * agents and the fast-busy dialer profile straight into the embedded database.
 */
async function prepareDataFolder(dataDir: string, password: string): Promise<void> {
  const seeding = await startProntoIn(dataDir);
  await seeding.stop();
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  try {
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { slug: 'demo' } });
    for (let n = 1; n <= AGENT_COUNT; n++)
      await createAgent(db.prisma, {
        tenantId: tenant.id,
        username: `bench${n}`,
        displayName: `Bench agent ${n}`,
        password,
        groups: ['cash-loan'],
      });
    await db.prisma.campaign.update({
      where: { tenantId_slug: { tenantId: tenant.id, slug: 'cash-loan' } },
      data: { dialerProfile: FAST_BUSY_PROFILE, retryPolicy: RETRY_AFTER_THE_RUN },
    });
  } finally {
    await db.close();
  }
}

interface OfferUpdate {
  state: string;
  attempt: { attemptId: string; stage: string; lead: { leadId: string; attemptNumber: number } } | null;
}

/** What the bench agents saw, shared by all of them. */
interface Desk {
  /** First offer of each lead: when it reached an agent's socket. */
  offers: Map<string, Stamp>;
  /** Offers of a lead's second or later dial (a retry). */
  retryOffers: number;
  /** Commands the gateway refused. */
  refused: number;
}

async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/agent/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`${username} could not sign in: ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`${username}: sign-in set no session cookie`);
  return cookie;
}

/**
 * One agent at a desktop that accepts every offer the moment it arrives. Resolves with a close
 * function once the agent's first update (available) has arrived, so load never meets an agent
 * that is still coming online.
 */
async function startBenchAgent(baseUrl: string, username: string, password: string, desk: Desk) {
  const cookie = await signIn(baseUrl, username, password);
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/agent/ws`, {
    headers: { cookie, origin: new URL(baseUrl).origin },
  });
  let heartbeat: NodeJS.Timeout | undefined;
  const accepted = new Set<string>();
  const send = (message: object) => socket.send(JSON.stringify(message));
  const online = new Promise<void>((resolve, reject) => {
    // After the agent is online these settle nothing; they keep a late socket error from throwing.
    socket.on('error', reject);
    socket.on('close', (code) =>
      reject(new Error(`${username}'s socket closed (${code}) before it was online`)),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>;
      if (message.type === 'hello')
        heartbeat = setInterval(() => send({ type: 'heartbeat' }), message.heartbeatIntervalMs as number);
      else if (message.type === 'error') desk.refused += 1;
      else if (message.type === 'update') {
        const update = message.update as OfferUpdate;
        if (update.state === 'available') resolve();
        const attempt = update.attempt;
        if (attempt?.stage !== 'offered' || accepted.has(attempt.attemptId)) return;
        const arrived = stamp();
        accepted.add(attempt.attemptId);
        send({ type: 'accept', attemptId: attempt.attemptId });
        if (attempt.lead.attemptNumber > 1) desk.retryOffers += 1;
        if (!desk.offers.has(attempt.lead.leadId)) desk.offers.set(attempt.lead.leadId, arrived);
      }
    });
  });
  const close = () => {
    clearInterval(heartbeat);
    return closeSocket(socket);
  };
  await online.catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return close;
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    // A server that does not answer the close handshake must not hold the shutdown up.
    setTimeout(() => socket.terminate(), 1_000).unref();
    socket.close(1000, 'bench done');
  });
}

interface SentLead {
  leadId: string;
  /** When the 202 reached the sender. */
  answered: Stamp;
}

/**
 * Open loop: event i is due at start + i / rate whether or not earlier ones were answered. It runs
 * on this thread, not in open-loop-worker: the 202's arrival must be on the same clock as the
 * offers' arrival on the agents' sockets, and 50 events/s costs this thread little.
 */
async function sendAtRate(baseUrl: string, rate: number, seconds: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sent: SentLead[] = [];
  let notAccepted = 0;
  const start = performance.now();
  const sends: Promise<void>[] = [];
  try {
    for (let i = 0; i < Math.round(rate * seconds); i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, Math.floor(wait)));
      sends.push(
        postEvent(url, agent, (body) => {
          const answered = stamp();
          const leadId = (JSON.parse(body || '{}') as { leadId?: string }).leadId;
          if (leadId) sent.push({ leadId, answered });
        }).then((status) => {
          if (status !== 202) notAccepted += 1;
        }),
      );
    }
    await Promise.all(sends);
  } finally {
    agent.destroy();
  }
  return { sent, notAccepted };
}

async function waitForOffers(sent: readonly SentLead[], desk: Desk): Promise<void> {
  const deadline = performance.now() + OFFER_WAIT_MS;
  while (sent.some((lead) => !desk.offers.has(lead.leadId)) && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);

/** A lead of the run: its 202, and its first offer if that arrived within the wait. */
interface MeasuredLead extends SentLead {
  offer: Stamp | undefined;
}

interface PhaseResult {
  rate: number;
  leads: number;
  notAccepted: number;
  offered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  slow: number;
  retryOffers: number;
  cpu: CpuReport;
  measured: MeasuredLead[];
}

async function runPhase(pronto: ProntoProcess, rate: number, desk: Desk): Promise<PhaseResult> {
  const retriesBefore = desk.retryOffers;
  const stopMeter = cpuMeter({ pronto: pronto.child.pid });
  const { sent, notAccepted } = await sendAtRate(pronto.url, rate, durationS);
  const cpu = stopMeter();
  await waitForOffers(sent, desk);
  const measured = sent.map((lead) => ({ ...lead, offer: desk.offers.get(lead.leadId) }));
  // A lead never offered counts as slower than any other: leaving it out would flatter the tail.
  const latencies = measured
    .map(({ answered, offer }) => (offer ? offer.mono - answered.mono : Number.POSITIVE_INFINITY))
    .sort((a, b) => a - b);
  return {
    rate,
    leads: sent.length,
    notAccepted,
    offered: latencies.filter(Number.isFinite).length,
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    slow: latencies.filter((latency) => latency > SLOW_OFFER_MS).length,
    retryOffers: desk.retryOffers - retriesBefore,
    cpu,
    measured,
  };
}

/** One lead's latency cut where the server stamped its history, all on the wall clock. */
interface Split {
  total: number;
  /** 202 at the sender -> scoring queued the lead (outbox relay, bus, scoring). */
  toQueued: number;
  /** Queued -> the dispatcher's round that offered it began (waiting for a round and a free agent). */
  toOffered: number;
  /** That round began -> the offer on the agent's socket (the round, relay, bus, gateway, socket). */
  toSocket: number;
}

/** Every n-th lead, so the sample spreads over the whole run (its start, middle and end). */
function spreadSample<T>(items: readonly T[], size: number): T[] {
  const step = Math.max(1, items.length / size);
  return Array.from({ length: Math.min(size, items.length) }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * Reads the sampled leads' `queued` and `offered` history times (signed GET /v1/leads/{id}); leads
 * not offered within the wait are left out, as they have no arrival to split.
 */
async function splitLatencies(baseUrl: string, measured: readonly MeasuredLead[]): Promise<Split[]> {
  const splits: Split[] = [];
  for (const { leadId, answered, offer } of spreadSample(measured, SPLIT_SAMPLE)) {
    if (!offer) continue;
    const { status, json } = await signedFetch(baseUrl, BENCH_KEY, 'GET', `/v1/leads/${leadId}`);
    if (status !== 200) throw new Error(`GET /v1/leads/${leadId} answered ${status}`);
    const history = (json as { history: { at: string; type: string }[] }).history;
    const firstAt = (type: string) => Date.parse(history.find((entry) => entry.type === type)?.at ?? '');
    const queued = firstAt('queued');
    const offered = firstAt('offered');
    splits.push({
      total: offer.wall - answered.wall,
      toQueued: queued - answered.wall,
      toOffered: offered - queued,
      toSocket: offer.wall - offered,
    });
  }
  return splits;
}

const ms = (value: number) =>
  value === Number.POSITIVE_INFINITY ? `> ${OFFER_WAIT_MS}` : Number.isFinite(value) ? value.toFixed(0) : '-';
const pct = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '-' : `${value}%`;
/** CPU used by neither Pronto nor this bench: other work on the machine (PostgreSQL is never Pronto's here). */
const elsewhere = (cpu: CpuReport) => (cpu.other === undefined ? undefined : cpu.other + cpu.postgres);
const verdict = (p99: number) => (p99 <= TARGET_P99_MS ? 'PASS' : 'MISS');

function printTable(results: readonly PhaseResult[]) {
  log('\n| rate | leads | offered | p50 ms | p90 ms | p99 ms | max ms | > 1 s | target | |');
  log('|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of results)
    log(
      `| ${r.rate}/s | ${r.leads} | ${r.offered} | ${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.slow} | p99 <= ${TARGET_P99_MS} ms | ${verdict(r.p99)} |`,
    );
}

const SPLIT_PARTS = [
  ['total', '202 -> offer on the socket'],
  ['toQueued', '202 -> queued (relay, bus, scoring)'],
  ['toOffered', 'queued -> offer round began'],
  ['toSocket', 'offer round began -> socket'],
] as const;

function printSplit(rate: number, splits: readonly Split[]) {
  // The slowest tenth of the sample by total: which part made the tail.
  const tail = [...splits]
    .sort((a, b) => b.total - a.total)
    .slice(0, Math.max(1, Math.ceil(splits.length / 10)));
  const mean = (part: keyof Split) => tail.reduce((sum, s) => sum + s[part], 0) / tail.length;
  for (const [part, label] of SPLIT_PARTS) {
    const sorted = splits.map((s) => s[part]).sort((a, b) => a - b);
    log(
      `| ${rate}/s | ${splits.length} | ${label} | ${ms(quantile(sorted, 0.5))} | ${ms(quantile(sorted, 0.9))} | ${ms(quantile(sorted, 0.99))} | ${ms(mean(part))} |`,
    );
  }
}

async function main() {
  log(
    `Pronto offer benchmark: accept -> offer on an agent's WebSocket, ${AGENT_COUNT} agents, embedded PGlite; ${rates.join(' then ')} events/s for ${durationS} s each`,
  );
  log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'pronto-offer-bench-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const password = randomBytes(12).toString('base64url');
  await prepareDataFolder(dataDir, password);
  const pronto = await startProntoIn(dataDir);
  cleanups.push(() => pronto.stop());

  const desk: Desk = { offers: new Map(), retryOffers: 0, refused: 0 };
  const usernames = Array.from({ length: AGENT_COUNT }, (_, i) => `bench${i + 1}`);
  const started = await Promise.allSettled(
    usernames.map((username) => startBenchAgent(pronto.url, username, password, desk)),
  );
  for (const agent of started) if (agent.status === 'fulfilled') cleanups.push(agent.value);
  const failed = started.find((agent) => agent.status === 'rejected');
  if (failed) throw failed.reason;
  log(`${AGENT_COUNT} agents online at ${pronto.url}`);

  const results: PhaseResult[] = [];
  for (const rate of rates) {
    const result = await runPhase(pronto, rate, desk);
    results.push(result);
    log(
      `\n[${rate}/s] ${result.leads} leads accepted (${result.notAccepted} not 202), ${result.offered} offered: p50 ${ms(result.p50)} ms, p90 ${ms(result.p90)} ms, p99 ${ms(result.p99)} ms, max ${ms(result.max)} ms, ${result.slow} over 1 s; ${verdict(result.p99)} (p99 <= ${TARGET_P99_MS} ms)`,
    );
    log(
      `  CPU while sending (% of one core): pronto ${pct(result.cpu.pronto)}, bench ${pct(result.cpu.loadGenerator)}, rest of the machine ${pct(elsewhere(result.cpu))}, machine busy ${pct(result.cpu.machine)} of ${cpus().length} cores; retry offers ${result.retryOffers}, refused commands ${desk.refused}`,
    );
  }
  printTable(results);

  log(
    "\nWhere the time goes, from the leads' history (`queued`: when scoring took the intent; `offered`: when the dispatcher round that offered the lead began)",
  );
  log('\n| rate | leads sampled | part | p50 ms | p90 ms | p99 ms | slowest 10 %, mean ms |');
  log('|---:|---:|---|---:|---:|---:|---:|');
  for (const result of results) printSplit(result.rate, await splitLatencies(pronto.url, result.measured));

  log(
    `\n${JSON.stringify({
      bench: 'pronto-offer',
      at: new Date().toISOString(),
      options: { rates, durationS, agents: AGENT_COUNT },
      results: results.map(({ measured: _measured, ...result }) => result),
    })}`,
  );
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  log(`\nbenchmark failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanups.undoAll();
}
process.exit(failed ? 1 : 0);
