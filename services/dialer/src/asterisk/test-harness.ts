import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus, withNamespace } from '@pronto/bus';
import type { CallEventV1, DialRequestV1 } from '@pronto/contracts';
import { createLogger } from '@pronto/telemetry';
import {
  type AmiReplayServer,
  openTestDatabase,
  startAmiReplayServer,
  type TestDatabase,
} from '@pronto/testing';
import { afterAll, beforeAll, vi } from 'vitest';
import type { CallLog } from '../calls/call-log.ts';
import { dialRequest as dialRequestMessage } from '../simulated/test-harness.ts';
import { parseAmiUrl } from './ami-connection.ts';
import { type AsteriskDialer, type AsteriskDialerSettings, startAsteriskDialer } from './asterisk-dialer.ts';

export const logger = createLogger({ name: 'test', level: 'silent' });
/** The scenario clock at the replay's recorded time 0. */
export const CLOCK_START = Date.UTC(2026, 10, 24, 9);

/** The recorded Originates rang the agent for 15 s and dialled plain digits. */
export const RECORDED_SETTINGS: AsteriskDialerSettings = {
  context: 'pronto-outbound',
  agentRingSeconds: 15,
  trunkChannels: 30,
  numberFormat: 'digits',
};

type CallEvent = CallEventV1['payload'];

/**
 * The test file's bus: a real in-process bus on a test database, opened before the file's tests
 * and closed after them. Each scenario works on its own namespace of it.
 */
export function useTestBus(): { readonly bus: Bus; readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  let bus: Bus | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
    bus = createInProcessBus({ sql: db.sql, logger, idlePollMs: 20 });
  });
  afterAll(async () => {
    await bus?.close();
    await db?.close();
  });
  return {
    get bus() {
      if (!bus) throw new Error('the test bus is opened in beforeAll');
      return bus;
    },
    get db() {
      if (!db) throw new Error('the test database is opened in beforeAll');
      return db;
    },
  };
}

export interface AmiScenario {
  server: AmiReplayServer;
  dialer: AsteriskDialer;
  events: CallEvent[];
  /** The scenario's clock: the replay's recorded time from `CLOCK_START`, so derived timings are the transcript's. */
  now: () => Date;
  /** Asks the dialer to originate (or hang up) and returns the request. */
  send(action: 'originate' | 'hangup', request?: DialRequestV1['payload']): Promise<DialRequestV1['payload']>;
  /** Until the attempt has an event of that phase. */
  phase(attemptId: string, phase: CallEvent['phase']): Promise<CallEvent>;
  close(): Promise<void>;
}

/**
 * The Asterisk dialer against the AMI replay server over real TCP, on a namespace of a real
 * in-process bus, collecting the call events it publishes. The dialer's clock is the replay's
 * (the recorded time of what was last played), so a timing it derives is the transcript's own, at
 * any replay speed.
 */
export async function startAmiScenario(
  bus: Bus,
  transcripts: string[],
  options: {
    speed?: number;
    settings?: Partial<AsteriskDialerSettings>;
    keepaliveMs?: number;
    callLog?: CallLog;
    /** The bus namespace, to share one between scenarios (a dialer and the one started after it). */
    namespace?: string;
  } = {},
): Promise<AmiScenario> {
  const speed = options.speed ?? 1;
  const scoped = withNamespace(bus, options.namespace ?? `ami-${randomUUID()}`);
  const events: CallEvent[] = [];
  const subscription = await scoped.subscribe({
    topic: 'call-events',
    group: `test-${randomUUID()}`,
    handler: async ({ message }) => {
      events.push((message as CallEventV1).payload);
    },
  });
  const server = await startAmiReplayServer({ transcripts, speed });
  const now = () => new Date(CLOCK_START + server.recordedNow());
  const dialer = await startAsteriskDialer({
    bus: scoped,
    logger,
    ami: parseAmiUrl(server.url()),
    settings: { ...RECORDED_SETTINGS, ...options.settings },
    ...(options.callLog ? { callLog: options.callLog } : {}),
    now,
    session: {
      backoffMs: [50, 100, 200],
      keepaliveMs: options.keepaliveMs ?? 60_000,
      connectTimeoutMs: 5_000,
    },
  });
  const phaseOf = (attemptId: string, phase: CallEvent['phase']) =>
    events.find((event) => event.attemptId === attemptId && event.phase === phase);
  return {
    server,
    dialer,
    events,
    now,
    async send(action, request = dialRequest()) {
      await scoped.publish('dial-requests', [dialRequestMessage(action, request)]);
      return request;
    },
    async phase(attemptId, phase) {
      await vi.waitFor(
        () => {
          if (!phaseOf(attemptId, phase)) throw new Error(`no ${phase} event of ${attemptId} yet`);
        },
        { timeout: 40_000, interval: 5 },
      );
      return phaseOf(attemptId, phase) as CallEvent;
    },
    async close() {
      await dialer.stop();
      await subscription.close();
      await server.close();
    },
  };
}

/** A request with ids of our own: the replay server rewrites the recorded ones to these. */
export function dialRequest(overrides: Partial<DialRequestV1['payload']> = {}): DialRequestV1['payload'] {
  return dialRequestMessage('originate', {
    callerId: '"Pronto" <48221000000>',
    ringTimeoutSeconds: 20,
    ...overrides,
  }).payload;
}
