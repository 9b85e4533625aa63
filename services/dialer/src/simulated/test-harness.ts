import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus } from '@pronto/bus';
import type { CallEventV1, DialRequestV1 } from '@pronto/contracts';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase, seededRandom, type TestDatabase } from '@pronto/testing';
import { databaseCallLog } from '../calls/database-call-log.ts';

export { seededRandom };

import { vi } from 'vitest';
import {
  DEFAULT_DIALER_PROFILE,
  type DialerProfile,
  resolveProfile,
  type SimulatedOutcome,
} from './dialer-profile.ts';
import { type Scheduler, type SimulatedDialer, startSimulatedDialer } from './simulated-dialer.ts';

export const logger = createLogger({ name: 'test', level: 'silent' });

/** A profile whose calls all end one way, with the default timings. */
export function always(outcome: SimulatedOutcome, overrides: Record<string, unknown> = {}): DialerProfile {
  const rates = { answered: 0, no_answer: 0, busy: 0, voicemail: 0, failed: 0, [outcome]: 1 };
  return resolveProfile({ rates, ...overrides });
}

/** Timers that fire only when the test moves the clock. */
export class FakeClock implements Scheduler {
  ms = Date.parse('2026-11-24T09:00:00.000Z');
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private lastId = 0;

  readonly now = () => new Date(this.ms);

  setTimeout(fn: () => void, ms: number): unknown {
    this.lastId += 1;
    this.timers.set(this.lastId, { at: this.ms + ms, fn });
    return this.lastId;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  /**
   * Fires every timer due by `until`, in due order, moving the clock to each one's time; timers set
   * meanwhile wait for the next call. Returns whether any fired.
   */
  fireDue(until: number): boolean {
    const due = [...this.timers.entries()]
      .filter(([, timer]) => timer.at <= until)
      .sort(([idA, a], [idB, b]) => a.at - b.at || idA - idB);
    for (const [id, timer] of due) {
      this.timers.delete(id);
      this.ms = timer.at;
      timer.fn();
    }
    return due.length > 0;
  }
}

export interface HarnessOptions {
  profile?: DialerProfile;
  seed?: number;
  /** Wraps the real bus the dialer uses (to make publishes fail). */
  wrapBus?: (bus: Bus) => Bus;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The simulated dialer on the real in-process bus and an embedded database, with a fake clock, a
 * seeded random and a collector of every call event. Every wait polls; none sleeps.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const db: TestDatabase = await openTestDatabase();
  const bus = createInProcessBus({ sql: db.sql, logger });
  const clock = new FakeClock();
  const events: CallEventV1['payload'][] = [];
  await bus.subscribe({
    topic: 'call-events',
    group: `test-${randomUUID()}`,
    handler: async ({ message }) => {
      events.push((message as CallEventV1).payload);
    },
  });
  let handled = 0;
  const dialerBus = countHandled(options.wrapBus?.(bus) ?? bus, () => {
    handled += 1;
  });
  const random = seededRandom(options.seed ?? 1);
  // Each dialer starts with nothing in memory; the call log in the database is what they share.
  const startDialer = () =>
    startSimulatedDialer({
      bus: dialerBus,
      logger,
      profileFor: async () => options.profile ?? DEFAULT_DIALER_PROFILE,
      callLog: databaseCallLog(db.sql),
      random,
      scheduler: clock,
      now: clock.now,
    });
  let dialer: SimulatedDialer = await startDialer();

  const eventsOf = (attemptId: string) => events.filter((event) => event.attemptId === attemptId);

  /** Until every call in flight waits on a timer: no publish is under way. */
  async function settle() {
    await until(() => clock.pending() === dialer.inFlight(), 'the dialer to settle');
  }

  return {
    db,
    bus,
    clock,
    get dialer() {
      return dialer;
    },
    /** Stops the dialer (dropping its calls, as a crash does) and starts another on the same database and bus. */
    async restart() {
      await dialer.stop();
      dialer = await startDialer();
    },
    events,
    eventsOf,
    /** Publishes dial requests and waits until the dialer has handled them. */
    async send(...requests: DialRequestV1[]) {
      const target = handled + requests.length;
      await bus.publish('dial-requests', requests);
      await until(() => handled >= target, `${target} dial requests handled`);
    },
    settle,
    /** Moves the clock `ms` on, firing the timers due on the way, each after the last one's publish. */
    async advance(ms: number) {
      const target = clock.ms + ms;
      do await settle();
      while (clock.fireDue(target));
      clock.ms = target;
    },
    /** Until the collector holds `count` events of the attempt. */
    async eventsFor(attemptId: string, count: number) {
      await until(() => eventsOf(attemptId).length >= count, `${count} events of ${attemptId}`);
      return eventsOf(attemptId);
    },
    async close() {
      await dialer.stop();
      await bus.close();
      await db.close();
    },
  };
}

export function dialRequest(
  action: 'originate' | 'hangup',
  overrides: Partial<DialRequestV1['payload']> = {},
): DialRequestV1 {
  const attemptId = overrides.attemptId ?? randomUUID();
  return {
    type: 'dial.request',
    version: 1,
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    key: attemptId,
    payload: {
      attemptId,
      leadId: randomUUID(),
      tenantId: randomUUID(),
      campaignId: randomUUID(),
      agentId: randomUUID(),
      agentEndpoint: 'PJSIP/agent-7',
      phone: '+48601234567',
      callerId: null,
      ringTimeoutSeconds: 60,
      ...overrides,
      action,
    },
  };
}

/** A bus whose subscribers' handlers report each message they finished. */
function countHandled(bus: Bus, onHandled: () => void): Bus {
  return {
    ...bus,
    subscribe: (options) =>
      bus.subscribe({
        ...options,
        handler: async (delivery) => {
          await options.handler(delivery);
          onHandled();
        },
      }),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 30_000, interval: 2 },
  );
}
