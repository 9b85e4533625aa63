import { randomUUID } from 'node:crypto';
import {
  type Bus,
  checkedMessage,
  consumeOnce,
  LoopSleep,
  type OutboxRelay,
  type Subscription,
  startOutboxRelay,
} from '@pronto/bus';
import { AgentCommandV1, CallEventV1, compileValidator, LeadQueuedV1 } from '@pronto/contracts';
import { type Database, isDatabaseUnavailable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { applyAgentCommand } from './agent-commands.ts';
import { applyCallEvent } from './call-events.ts';
import { runOfferRound } from './offer-round.ts';
import { defaultPolicy } from './policy/index.ts';
import type { DispatchPolicy } from './policy/types.ts';
import { createPresenceSweep } from './presence-sweep.ts';
import { DISPATCHER_RELAY } from './records.ts';
import { DEFAULT_SETTINGS, type DispatcherSettings } from './settings.ts';
import { createShardLeases, SHARD_COUNT } from './shard-leases.ts';
import { fireDueTimers, nextTimerAt } from './timers.ts';

export const DISPATCHER_GROUP = 'dispatcher';
/** The topics whose outbox rows the dispatcher publishes. */
export const DISPATCHER_TOPICS = ['offers', 'dial-requests', 'lead-events'] as const;
/** Even with nothing to wake it, the loop looks again this often (another instance may have changed things). */
const IDLE_LOOK_MS = 1_000;
/**
 * The timers' next due time is read again at least this often: another instance's offers and dials
 * set timers too. Shorter than the shortest timer a round of this instance sets (an offer's, 5 s at
 * least), so no timer fires later than it did when every round looked.
 */
const TIMER_LOOK_MS = 1_000;
/** How often the loop asks the presence sweep whether it is due (it sweeps every PRESENCE_SWEEP_MS). */
const PRESENCE_LOOK_MS = 500;

export interface DispatcherDeps {
  readonly db: Database;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly policy?: DispatchPolicy;
  readonly settings?: Partial<DispatcherSettings>;
  /**
   * false: no loop of its own; the caller runs `runOnce()` (tests with a fake clock). Default true.
   */
  readonly loop?: boolean;
}

export interface Dispatcher {
  readonly relay: OutboxRelay;
  /** Something changed (a lead queued, an agent freed): run a decision round soon. */
  wake(): void;
  /** Fires due timers, then makes the offers the policy decides; returns the offers made. */
  runOnce(): Promise<number>;
  /** Offers this instance has made since it started. */
  offersMade(): number;
  /** The agent shards this instance dispatches for (of SHARD_COUNT), as of its last lease renewal. */
  shardsHeld(): number;
  /** Stops consuming and the loop, publishes what it wrote, stops the relay. */
  stop(): Promise<void>;
}

const leadQueued = compileValidator(LeadQueuedV1.schema);
const agentCommand = compileValidator(AgentCommandV1.schema);
const callEvent = compileValidator(CallEventV1.schema);

/**
 * The dispatcher: consumes `leads` (a wake-up: the queue itself is the lead table), `agent-commands`
 * and `call-events`; runs decision rounds and timers; publishes offers, dial requests and lead events
 * through its outbox relay. Several instances may run on one PostgreSQL: each leases a fair share of
 * the agent shards (shard-leases.ts) and offers leads to those agents only, so instances do not race
 * for the same agents; the database's row locks and unique indexes still decide every race. Timers
 * fire on any instance. On the embedded database, which one process owns, the instance holds every
 * shard without leases.
 */
export async function startDispatcher(deps: DispatcherDeps): Promise<Dispatcher> {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const settings: DispatcherSettings = { ...DEFAULT_SETTINGS, ...deps.settings };
  const policy = deps.policy ?? defaultPolicy;
  const relay = startOutboxRelay({
    sql: db.sql,
    bus,
    logger,
    topics: DISPATCHER_TOPICS,
    relay: DISPATCHER_RELAY,
    exclusive: db.kind === 'postgres',
  });

  let running = true;
  const sleep = new LoopSleep();
  let pending = true;
  const wake = () => {
    pending = true;
    sleep.wakeUp();
  };

  // Agents whose gateway died go offline (presence-sweep.ts): on a timer of its own while the loop
  // runs, so a round slowed by a busy database does not hold them back; in runOnce without a loop.
  const presence = createPresenceSweep({ db, settings, logger });
  const leases =
    db.kind === 'postgres'
      ? createShardLeases({ db, instanceId: randomUUID(), now, leaseMs: settings.leaseMs })
      : undefined;
  let round: Promise<number> | undefined;
  let offersMade = 0;
  // When the timers next have something to do (epoch ms): rounds before then skip their three
  // queries. A command or call event may set an earlier one (a retry), so applying one forgets it.
  // A clock stepped back looks again at once; an answer read before a command's commit is not kept.
  let timersDueAt = Number.NEGATIVE_INFINITY;
  let timersLookedAt = Number.NEGATIVE_INFINITY;
  let timersForgotten = 0;
  const forgetTimers = () => {
    timersDueAt = Number.NEGATIVE_INFINITY;
    timersForgotten += 1;
  };
  async function fireTimersIfDue(at: Date): Promise<number> {
    const ms = at.getTime();
    if (ms < timersDueAt && ms >= timersLookedAt) return 0;
    const generation = timersForgotten;
    const fired = await fireDueTimers({ db, settings, logger, now: at });
    const next = await nextTimerAt(db);
    timersLookedAt = ms;
    if (generation === timersForgotten)
      timersDueAt = Math.min(next ?? Number.POSITIVE_INFINITY, ms + TIMER_LOOK_MS);
    return fired;
  }
  /** One round at a time per instance; a wake during a round runs another one after it. */
  async function runOnce(): Promise<number> {
    while (round) await round.catch(() => undefined);
    round = (async () => {
      pending = false;
      const at = now();
      const fired = (await fireTimersIfDue(at)) + (deps.loop === false ? await presence.sweepIfDue(at) : 0);
      const shards = leases ? await leases.current() : null;
      const result =
        shards?.length === 0
          ? { offered: 0, lost: 0, blocked: 0, failed: 0 }
          : await runOfferRound({ db, policy, settings, logger, now: at, clock: now, shards });
      if (fired > 0 || result.offered > 0 || result.blocked > 0) relay.wake();
      // Lost races or blocked leads free agents for another look at once.
      if (result.lost > 0 || result.blocked > 0) pending = true;
      offersMade += result.offered;
      return result.offered;
    })();
    try {
      return await round;
    } finally {
      round = undefined;
    }
  }

  const subscriptions: Subscription[] = [];
  const handled = (freed: boolean) => {
    forgetTimers();
    relay.wake();
    if (freed) wake();
  };
  try {
    subscriptions.push(
      await bus.subscribe({
        topic: LeadQueuedV1.topic,
        group: DISPATCHER_GROUP,
        isTransient: isDatabaseUnavailable,
        handler: async ({ message }) => {
          checkedMessage(leadQueued, message, 'lead.queued v1');
          wake();
        },
      }),
      await bus.subscribe({
        topic: AgentCommandV1.topic,
        group: DISPATCHER_GROUP,
        isTransient: isDatabaseUnavailable,
        handler: async ({ message }) => {
          const command = checkedMessage(agentCommand, message, 'agent.command v1');
          const result = await consumeOnce(db.sql, `${DISPATCHER_GROUP}:commands`, command.id, (tx) =>
            applyAgentCommand({ tx, now: now(), settings, logger }, command.payload),
          );
          handled(result.applied ? result.value : false);
          logger.debug(
            { agentId: command.payload.agentId, command: command.payload.command },
            'agent command',
          );
        },
      }),
      await bus.subscribe({
        topic: CallEventV1.topic,
        group: DISPATCHER_GROUP,
        isTransient: isDatabaseUnavailable,
        handler: async ({ message }) => {
          const event = checkedMessage(callEvent, message, 'call.event v1');
          const freed = await db.sql.transaction((tx) =>
            applyCallEvent({ tx, now: now(), settings }, event.payload),
          );
          handled(freed);
        },
      }),
    );
    // The group's `leads` wake-up reaches one instance, maybe not one with a free agent: while
    // instances share the agents, each also hears every lead queued from now on.
    if (leases)
      subscriptions.push(
        await bus.subscribe({
          topic: LeadQueuedV1.topic,
          group: `${DISPATCHER_GROUP}-wake-${leases.instanceId}`,
          ephemeral: true,
          handler: async () => wake(),
        }),
      );
  } catch (error) {
    await Promise.all(subscriptions.map((s) => s.close()));
    await relay.stop();
    throw error;
  }

  let presenceSweep: Promise<void> | undefined;
  let presenceTimer: NodeJS.Timeout | undefined;
  if (deps.loop !== false) {
    leases?.keepRenewing((error) => logger.error({ err: error }, 'shard lease renewal failed; trying again'));
    presenceTimer = setInterval(() => {
      presenceSweep ??= presence
        .sweepIfDue(now())
        .then((taken) => {
          // Their offered leads are queued again: publish the facts and look for other agents.
          if (taken > 0) handled(true);
        })
        .finally(() => {
          presenceSweep = undefined;
        });
    }, PRESENCE_LOOK_MS);
    presenceTimer.unref();
  }
  const loop =
    deps.loop === false
      ? Promise.resolve()
      : (async () => {
          while (running) {
            let wait = IDLE_LOOK_MS;
            try {
              await runOnce();
              if (pending) continue;
              wait = Math.max(0, Math.min(wait, timersDueAt - now().getTime()));
              // A wake-up (a queued lead, a freed agent) reaches one instance of the group, maybe
              // not the one whose agent is free: instances that share the agents look more often.
              if (leases && leases.heldCount() < SHARD_COUNT) wait = Math.min(wait, settings.sharedLookMs);
            } catch (error) {
              logger.error({ err: error }, 'dispatch round failed; trying again');
            }
            if (!running) break;
            await sleep.sleep(wait, pending);
          }
        })();

  return {
    relay,
    wake,
    runOnce,
    offersMade: () => offersMade,
    shardsHeld: () => (leases ? leases.heldCount() : SHARD_COUNT),
    async stop() {
      running = false;
      clearInterval(presenceTimer);
      sleep.wakeUp();
      await Promise.all(subscriptions.map((s) => s.close()));
      await loop;
      await round?.catch(() => undefined);
      await presenceSweep;
      // The other instances take this one's agents at their next renewal, not after its lease.
      await leases?.release().catch((error: unknown) => logger.warn({ err: error }, 'shards not released'));
      await Promise.race([relay.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await relay.stop();
    },
  };
}
