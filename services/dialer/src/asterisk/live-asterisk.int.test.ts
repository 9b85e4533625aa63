import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus, withNamespace } from '@pronto/bus';
import type { CallEventV1 } from '@pronto/contracts';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parseAmiUrl } from './ami-connection.ts';
import { type AsteriskDialer, startAsteriskDialer } from './asterisk-dialer.ts';
import { requireLiveAsteriskInCi } from './live-rig.ts';
import { dialRequest, logger } from './test-harness.ts';

// Against a real Asterisk: ../shared/asterisk started by .ci/run, which exports ASTERISK_AMI_URL (in
// CI its absence fails this file rather than skipping it; elsewhere the file is skipped without it).
// Its simulator: agent1001 answers; 15550000001 answers and hangs up after 6 s, ...03 never answers,
// ...04 is busy. The recorded transcripts cover the same calls on every machine.
const url = process.env.ASTERISK_AMI_URL;
requireLiveAsteriskInCi('the Asterisk dialer on a live Asterisk 22');

type CallEvent = CallEventV1['payload'];
let db: TestDatabase;
let bus: Bus;
let dialer: AsteriskDialer;
const events: CallEvent[] = [];

describe.skipIf(!url)('the Asterisk dialer on a live Asterisk 22', () => {
  beforeAll(async () => {
    db = await openTestDatabase();
    bus = withNamespace(createInProcessBus({ sql: db.sql, logger, idlePollMs: 20 }), `live-${randomUUID()}`);
    await bus.subscribe({
      topic: 'call-events',
      group: 'test',
      handler: async ({ message }) => {
        events.push((message as CallEventV1).payload);
      },
    });
    dialer = await startAsteriskDialer({
      bus,
      logger,
      ami: parseAmiUrl(url as string),
      settings: {
        context: 'pronto-outbound',
        agentRingSeconds: 15,
        trunkChannels: 10,
        numberFormat: 'digits',
      },
    });
  });
  afterAll(async () => {
    await dialer?.stop();
    await bus?.close();
    await db?.close();
  });

  const cases = [
    {
      phone: '+15550000001',
      outcome: 'contacted',
      phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
    },
    { phone: '+15550000003', outcome: 'no_answer', phases: ['originated', 'ringing', 'ended'] },
    { phone: '+15550000004', outcome: 'busy', phases: ['originated', 'ringing', 'ended'] },
  ] as const;

  for (const { phone, outcome, phases } of cases) {
    it.concurrent(`${phone}: ${outcome}`, async ({ expect }) => {
      const request = dialRequest({ agentEndpoint: 'PJSIP/agent1001', phone, ringTimeoutSeconds: 20 });
      await bus.publish('dial-requests', [
        {
          type: 'dial.request',
          version: 1,
          id: randomUUID(),
          occurredAt: new Date().toISOString(),
          key: request.attemptId,
          payload: request,
        },
      ]);
      await expect
        .poll(
          () => events.some((event) => event.attemptId === request.attemptId && event.phase === 'ended'),
          {
            timeout: 40_000,
            interval: 100,
          },
        )
        .toBe(true);
      const mine = events.filter((event) => event.attemptId === request.attemptId);
      expect(mine.map((event) => event.phase)).toEqual(phases);
      expect(mine.at(-1)).toMatchObject({ outcome, linkedId: request.attemptId });
    });
  }
});
