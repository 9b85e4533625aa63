import { randomBytes, randomUUID } from 'node:crypto';
import { ensureKafka } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { compareWithHistory } from '@pronto/reporting';
import { createAgent } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';
import { BenchAgent, signIn } from './bench-agent.ts';
import { isSettled, leadStatuses, overlaps, readHolds, until } from './chaos-checks.ts';
import { tellStory } from './chaos-story.ts';
import { startEventStream } from './event-stream.ts';

// Separate processes share one database and one Kafka, so this runs on PostgreSQL only: when
// DATABASE_URL names one (CI's second pass).
const onPostgres = Boolean(process.env.DATABASE_URL);

const AGENTS = 12;
/** Agents on the killed gateway whose desktops stay away past the lease, so their going offline is seen. */
const AWAY = 2;
const EVENTS_PER_SECOND = 4;
/** The time between two kills, and the stream's run before the first and after the last restart. */
const KILL_EVERY_MS = 6_000;
/** The dispatchers' shard lease: a killed instance's agents are taken over within 1.2 times it. */
const DISPATCH_LEASE_SECONDS = 5;
/** The gateway's presence lease, as short as it may be (4 s) so the run stays short. */
const LEASE_SECONDS = 4;
/**
 * An agent whose gateway died and whose desktop does not come back is offline within the lease plus
 * 3 s (docs/operations.md, "When a component dies"; PRONTO_GATEWAY_LEASE_SECONDS).
 */
const OFFLINE_BOUND_MS = (LEASE_SECONDS + 3) * 1_000;

const key = { keyId: 'chaos-key', secret: `prs_${randomBytes(24).toString('base64url')}` };
const masterKey = randomBytes(32).toString('base64');
const URL_READY = /"url":"(http:\/\/[^"]+)"/;

/** What each service logs once it is ready (the workers may log `listening` once they serve /healthz). */
const SERVICES = [
  { name: 'ingest', ready: URL_READY, masterKey: true },
  { name: 'scoring', ready: /"msg":"(scoring intents|listening)"/, masterKey: false },
  { name: 'dispatcher', ready: /"msg":"(dispatching leads|listening)"/, masterKey: false },
  { name: 'agent-gateway', ready: URL_READY, masterKey: false },
  { name: 'dialer', ready: /"msg":"(dialing|listening)"/, masterKey: false },
  { name: 'reporting', ready: URL_READY, masterKey: true },
] as const;
type ServiceName = (typeof SERVICES)[number]['name'];

/** Calls over in milliseconds, so an agent is free again at once; half of them reach the person. */
const FAST_CALLS = {
  agentRingMs: [0, 5],
  personRingMs: [0, 20],
  talkMs: [0, 20],
  postDialDelayMs: 0,
  noAnswerTimeoutMs: 50,
  rates: { answered: 0.5, no_answer: 0.3, busy: 0.1, voicemail: 0, failed: 0.1 },
};

/** Twelve processes starting at once on two cores (beside other tests in CI) take their time. */
const START_TIMEOUT_MS = 240_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 19's chaos run: every service as two processes on PostgreSQL and Kafka, bench agents on both
 * gateways, a steady stream of signed events to both ingests; one instance of each service is
 * killed with kill -9 in turn and started again while the stream goes on. Nothing accepted may be
 * lost, no lead or agent may be held twice at once, every lead must come to rest, the SLA report
 * must equal its recomputation from the leads' history, and the agents whose gateway died (and whose
 * desktops stay away) must go offline within the documented time, the presence lease plus 3 s.
 */
describe.runIf(onPostgres)(
  'chaos run: two of each service, kill -9 one of each in turn (PostgreSQL, Kafka)',
  () => {
    it('loses no accepted event, holds no lead or agent twice, settles every lead and reports it right', async () => {
      const runStarted = Date.now();
      const brokers = ensureKafka();
      const databaseUrl = await createScratchDatabase();
      const db: Database = await openDatabase({ url: databaseUrl });
      const running = new Map<ServiceName, ServiceProcess[]>();
      const everyProcess: { name: string; service: ServiceProcess }[] = [];
      /** Every start under way: a run that fails waits for them, so that it can stop what they started. */
      const starting: Promise<unknown>[] = [];
      const agents: BenchAgent[] = [];
      let stream: ReturnType<typeof startEventStream> | undefined;
      let passed = false;
      const say = (what: string) =>
        process.stdout.write(`[chaos +${((Date.now() - runStarted) / 1_000).toFixed(1)} s] ${what}\n`);
      try {
        await seedTenant(db, {
          slug: 'chaos',
          key,
          masterKey: Buffer.from(masterKey, 'base64'),
          slaClock: 'calendar',
        });
        const [tenant] = await db.sql.query<{ id: string }>(
          "SELECT id::text FROM tenant WHERE slug = 'chaos'",
        );
        const tenantId = tenant?.id as string;
        // Always open, agents of one group, fast calls, offers missed in 5 s, retries after the run.
        await db.sql.query(
          `UPDATE campaign SET agent_groups = '{loans}', calling_windows = '[]'::jsonb, dialer_profile = $1::jsonb,
                retry_policy = $2::jsonb, offer_timeout_seconds = 5`,
          [
            JSON.stringify(FAST_CALLS),
            JSON.stringify({ shortDelaysSeconds: [600], cadenceSeconds: [3_600] }),
          ],
        );
        const accounts = await Promise.all(
          Array.from({ length: AGENTS }, async (_, n) => {
            const username = `chaos-agent-${n}`;
            const password = randomBytes(9).toString('base64url');
            await createAgent(db.prisma, {
              tenantId,
              username,
              displayName: username,
              password,
              groups: ['loans'],
            });
            return { username, password };
          }),
        );

        const env = {
          DATABASE_URL: databaseUrl,
          BUS: 'kafka',
          KAFKA_BROKERS: brokers,
          BUS_NAMESPACE: `chaos${randomUUID().slice(0, 8)}`,
          PRONTO_DB_POOL_SIZE: '3',
          PRONTO_GATEWAY_LEASE_SECONDS: String(LEASE_SECONDS),
          PRONTO_DISPATCH_LEASE_SECONDS: String(DISPATCH_LEASE_SECONDS),
        };
        const start = (name: ServiceName) => {
          const service = SERVICES.find((candidate) => candidate.name === name);
          if (!service) throw new Error(`no service ${name}`);
          const started = startService({
            name,
            entry: `services/${name}/src/main.ts`,
            env: { ...env, ...(service.masterKey ? { PRONTO_MASTER_KEY: masterKey } : {}) },
            ready: service.ready,
            timeoutMs: START_TIMEOUT_MS,
          }).then((child) => {
            everyProcess.push({ name, service: child });
            return child;
          });
          starting.push(started);
          return started;
        };
        const startedAt = Date.now();
        await Promise.all(
          SERVICES.map(async ({ name }) => running.set(name, await Promise.all([start(name), start(name)]))),
        );
        const startupMs = Date.now() - startedAt;
        const urls = (name: ServiceName) => (running.get(name) ?? []).map((service) => service.ready);

        // Every agent signs in once (the session is in the database) and opens its desktop on one of the
        // two gateways in turn.
        const [firstGateway] = urls('agent-gateway');
        for (const [n, account] of accounts.entries()) {
          const cookie = await signIn(firstGateway as string, account.username, account.password);
          agents.push(
            new BenchAgent({
              username: account.username,
              cookie,
              gateways: () => urls('agent-gateway'),
              first: n,
            }),
          );
        }
        await Promise.all(agents.map((agent) => agent.start()));
        await until(
          'every agent is available',
          () => db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM agent WHERE state = 'available'"),
          (rows) => rows[0]?.n === AGENTS,
          30_000,
        );

        say(
          `${SERVICES.length * 2} processes up in ${(startupMs / 1_000).toFixed(1)} s; ${AGENTS} agents available`,
        );
        const streamStarted = Date.now();
        stream = startEventStream({
          ingests: () => urls('ingest'),
          key,
          eventsPerSecond: EVENTS_PER_SECOND,
          senders: 8,
        });
        await sleep(KILL_EVERY_MS);

        // One instance of each service in turn, every few seconds: kill -9 and start it again at once
        // (a new process takes a while to come up on a busy machine: the next kill does not wait).
        const kills: string[] = [];
        const offlineDelays: number[] = [];
        const offlineStories: string[] = [];
        const pending: Promise<void>[] = [];
        for (const { name } of SERVICES) {
          const instances = running.get(name) as ServiceProcess[];
          const victim = instances[0] as ServiceProcess;
          let away: BenchAgent[] = [];
          if (name === 'agent-gateway') {
            away = agents.filter((agent) => agent.gateway === victim.ready).slice(0, AWAY);
            for (const agent of away) agent.stayAway(OFFLINE_BOUND_MS + 4_000);
          }
          const killedAt = Date.now();
          await victim.kill9();
          instances.shift();
          say(`killed ${name}`);
          for (const agent of away)
            pending.push(
              watchOffline(db, agent.agentId as string, killedAt, OFFLINE_BOUND_MS + 3_000).then(
                (watched) => {
                  offlineDelays.push(watched.delay);
                  if (watched.story) offlineStories.push(watched.story);
                },
              ),
            );
          pending.push(
            start(name).then((service) => {
              instances.push(service);
              kills.push(`${name} back in ${((Date.now() - killedAt) / 1_000).toFixed(1)} s`);
              say(`${name} is back`);
            }),
          );
          await sleep(KILL_EVERY_MS);
        }
        await Promise.all(pending);
        // The restarted instances take their share of the work for a while before the stream ends.
        await sleep(KILL_EVERY_MS);
        await stream.stop();
        const streamMs = Date.now() - streamStarted;
        say(`stream stopped after ${stream.sent()} events`);

        // Every lead comes to rest: closed, suppressed, expired, or waiting for its retry or callback.
        const drainStarted = Date.now();
        say('draining');
        // A call in flight on the killed dialer ends at its dial deadline, 120 s after the dial
        // (docs/architecture.md, Durability): the drain may wait that long.
        let lastSaid = Date.now();
        const settled = await until(
          'every lead is settled',
          async () => {
            const statuses = await leadStatuses(db.sql);
            if (Date.now() - lastSaid > 10_000) {
              lastSaid = Date.now();
              say(`draining: ${JSON.stringify(statuses)}`);
            }
            return statuses;
          },
          isSettled,
          150_000,
          500,
        );
        const drainMs = Date.now() - drainStarted;
        say(`settled in ${(drainMs / 1_000).toFixed(1)} s`);

        // Every event answered 202 (or 200, its first answer again) is stored once, with its lead.
        const answers = [...stream.answers.values()];
        expect(answers.length).toBe(stream.sent());
        const leadIds = [...new Set(answers.map((answer) => answer.leadId))];
        const [stored] = await db.sql.query<{ events: number; leads: number; found: number }>(
          `SELECT (SELECT count(*)::int FROM intent_event) AS events,
                (SELECT count(*)::int FROM lead) AS leads,
                (SELECT count(*)::int FROM lead WHERE id = ANY($1::uuid[])) AS found`,
          [leadIds],
        );
        expect(stored).toEqual({ events: answers.length, leads: leadIds.length, found: leadIds.length });

        // No lead was held by two attempts at once, no agent held two leads at once.
        const holds = await readHolds(db.sql);
        expect(overlaps(holds, 'lead_id')).toEqual([]);
        expect(overlaps(holds, 'agent_id')).toEqual([]);

        // The agents whose gateway died went offline within the lease plus 3 s.
        expect(offlineDelays).toHaveLength(AWAY);
        for (const delay of offlineDelays)
          expect(delay, offlineStories.join('\n')).toBeLessThanOrEqual(OFFLINE_BOUND_MS);
        // ... and every agent, its desktop connected again, is not offline.
        const offline = await db.sql.query<{ username: string }>(
          "SELECT username FROM agent WHERE state = 'offline' ORDER BY username",
        );
        expect(offline).toEqual([]);

        // The SLA report, as folded live by the reporting instances, equals the one the leads' history
        // gives afresh; both reporting instances answer it.
        const period = { from: new Date(runStarted - 3_600_000), to: new Date(Date.now() + 86_400_000) };
        say('comparing the report with the history');
        const report = await until(
          'the folded report equals the history',
          () => compareWithHistory(db.sql, { tenantId, ...period, now: new Date(), groupBy: 'campaign' }),
          ({ live, recomputed }) => JSON.stringify(live) === JSON.stringify(recomputed),
          60_000,
          1_000,
        );
        // The same figures from each reporting instance's API (generatedAt aside).
        const figures = (report: object) => JSON.stringify({ ...report, generatedAt: undefined });
        for (const reporting of urls('reporting')) {
          const path = `/v1/reports/sla?from=${report.live.from}&to=${report.live.to}&groupBy=campaign`;
          await until(
            `${reporting} answers the report the history gives`,
            async () => {
              const now = new Date();
              const { recomputed } = await compareWithHistory(db.sql, {
                tenantId,
                ...period,
                now,
                groupBy: 'campaign',
              });
              const served = (await signedFetch(reporting, key, 'GET', path)).json as object;
              return { served: figures(served), recomputed: figures(recomputed) };
            },
            ({ served, recomputed }) => served === recomputed,
            30_000,
            1_000,
          );
        }

        const [counts] = await db.sql.query<{ attempts: number; contacted: number }>(
          `SELECT count(*)::int AS attempts, count(*) FILTER (WHERE outcome = 'contacted')::int AS contacted
           FROM attempt`,
        );
        const summary =
          `chaos run: ${stream.sent()} events sent, ${answers.filter((a) => a.status === 202).length} answered 202 ` +
          `(${answers.filter((a) => a.status === 200).length} 200 on a resend, ${stream.resends()} resends), ` +
          `${leadIds.length} leads (${JSON.stringify(settled.byStatus)}), ${counts?.attempts} attempts, ` +
          `${counts?.contacted} contacted, ${agents.reduce((n, agent) => n + agent.resumes, 0)} resumes after missed offers, ${kills.length} kills [${kills.join(', ')}], ` +
          `max offline delay ${(Math.max(...offlineDelays) / 1_000).toFixed(1)} s (lease ${LEASE_SECONDS} s); ` +
          `start ${(startupMs / 1_000).toFixed(0)} s, stream ${(streamMs / 1_000).toFixed(0)} s, ` +
          `drain ${(drainMs / 1_000).toFixed(0)} s, total ${((Date.now() - runStarted) / 1_000).toFixed(0)} s`;
        process.stdout.write(`${summary}\n`);
        passed = true;
      } finally {
        if (!passed)
          say(await tellStory(db.sql, agents, everyProcess).catch((error: Error) => error.message));
        await stream?.stop().catch(() => {});
        await Promise.all(agents.map((agent) => agent.stop()));
        await Promise.allSettled(starting);
        await Promise.all(everyProcess.map(({ service }) => service.kill9()));
        await db.close();
        await dropScratchDatabase(databaseUrl);
      }
    }, 600_000);
  },
);

/**
 * Milliseconds from `since` until the dispatcher marked the agent offline (the agent's state_since),
 * or, if it never did within `ms`, what the database last showed of the agent and its presence.
 */
async function watchOffline(
  db: Database,
  agentId: string,
  since: number,
  ms: number,
): Promise<{ delay: number; story?: string }> {
  try {
    const row = await until(
      `agent ${agentId} is offline`,
      async () =>
        (
          await db.sql.query<{ state: string; state_since: Date }>(
            `SELECT a.state, a.state_since, now() AS database_now,
                    (SELECT json_agg(json_build_object('instance', p.gateway_instance_id, 'expires', g.expires_at))
                       FROM agent_presence p LEFT JOIN gateway_instance g ON g.id = p.gateway_instance_id
                      WHERE p.agent_id = a.id) AS presence
               FROM agent a WHERE a.id = $1`,
            [agentId],
          )
        )[0],
      (seen) => seen?.state === 'offline',
      ms,
      100,
    );
    return { delay: (row?.state_since.getTime() ?? Number.POSITIVE_INFINITY) - since };
  } catch (error) {
    // Whether the dispatchers were making rounds meanwhile: offers are made in rounds, as the sweep is.
    const [rounds] = await db.sql.query<{ offers: number; last: Date | null }>(
      'SELECT count(*)::int AS offers, max(offered_at) AS last FROM attempt WHERE offered_at > $1',
      [new Date(since)],
    );
    return {
      delay: Number.POSITIVE_INFINITY,
      story: `killed at ${new Date(since).toISOString()}: ${(error as Error).message}; offers made since the kill: ${JSON.stringify(rounds)}`,
    };
  }
}
