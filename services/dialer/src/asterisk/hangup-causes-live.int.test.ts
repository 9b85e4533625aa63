import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus, withNamespace } from '@pronto/bus';
import type { CallEventV1 } from '@pronto/contracts';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parseAmiUrl } from './ami-connection.ts';
import { type AsteriskDialer, startAsteriskDialer } from './asterisk-dialer.ts';
import { HANGUP_CAUSE_OUTCOMES } from './hangup-cause-outcome.ts';
import { type LiveRig, requireLiveAsteriskInCi, rigAvailable, startLiveRig } from './live-rig.ts';
import { dialRequest, logger } from './test-harness.ts';

// Each hang-up cause of the table on a real Asterisk 22, through the real dialer, on a rig of the
// test's own (its dialplan is extended here). Two ways to end the person's leg with a cause:
// - `sip`: the simulator hangs the call up with the cause; it travels as a SIP response (chan_pjsip
//   maps cause -> SIP on the simulator and SIP -> cause on the pbx), so some causes arrive as
//   another (`arrives`), exactly as a real carrier's would;
// - `pbx`: the pbx dials a Local channel that hangs up with the cause, so the person's leg ends with
//   it without SIP in between: causes that SIP cannot carry are still exercised in Asterisk.
const available = rigAvailable();
requireLiveAsteriskInCi('hang-up causes on a live Asterisk');

/** The test's pbx context: like pronto-outbound, plus numbers 1555991<cause> that end on a Local channel. */
const PBX_DIALPLAN = [
  '[pronto-causes]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Asterisk's dialplan variables, not JavaScript's
  'exten => _1555991XXXX,1,Dial(Local/${EXTEN}@pronto-causes-end,${PRONTO_RING_TIMEOUT})',
  ' same => n,Hangup()',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Asterisk's dialplan variables, not JavaScript's
  'exten => _[+0-9].,1,Dial(PJSIP/${EXTEN}@carrier,${PRONTO_RING_TIMEOUT})',
  ' same => n,Hangup()',
  '[pronto-causes-end]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Asterisk's dialplan variables, not JavaScript's
  'exten => _1555991XXXX,1,Hangup(${EXTEN:-4})',
];

const sipNumber = (cause: number) => `1555990${String(cause).padStart(4, '0')}`;
const pbxNumber = (cause: number) => `1555991${String(cause).padStart(4, '0')}`;

/** The simulator's numbers 1555990<cause>: hang up at once with the cause. */
const SIM_DIALPLAN = [
  '[phones]',
  ...[...HANGUP_CAUSE_OUTCOMES.keys()].map((cause) => `exten => ${sipNumber(cause)},1,Hangup(${cause})`),
];

/**
 * Causes that SIP does not carry as themselves, as measured on this rig (Asterisk 22.10, chan_pjsip
 * both ways): the simulator sends 3 as 404 (-> 1), 20 and 31 as 480 (-> 19), 42 as 503 (-> 34),
 * 127 as 500 (-> 38), and 16, 41 and 102 before an answer as 603 Decline (-> 21). The others arrive
 * as themselves: 1, 17, 18, 19, 21, 22, 27, 28, 34, 38.
 */
const ARRIVES_OVER_SIP_AS: ReadonlyMap<number, number> = new Map([
  [3, 1],
  [16, 21],
  [20, 19],
  [31, 19],
  [41, 21],
  [42, 34],
  [102, 21],
  [127, 38],
]);

type CallEvent = CallEventV1['payload'];

describe.skipIf(!available)('hang-up causes of the person’s leg on a live Asterisk 22', () => {
  let rig: LiveRig;
  let db: TestDatabase;
  let bus: Bus;
  let dialer: AsteriskDialer;
  const events: CallEvent[] = [];
  const calls = new Map<string, Promise<CallEvent>>();

  beforeAll(async () => {
    rig = await startLiveRig();
    await rig.extendDialplan('sim', SIM_DIALPLAN);
    await rig.extendDialplan('pbx', PBX_DIALPLAN);
    db = await openTestDatabase();
    bus = withNamespace(
      createInProcessBus({ sql: db.sql, logger, idlePollMs: 20 }),
      `causes-${randomUUID()}`,
    );
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
      ami: parseAmiUrl(rig.url),
      settings: { context: 'pronto-causes', agentRingSeconds: 10, trunkChannels: 40, numberFormat: 'digits' },
    });
    // Every call at once (each takes about a second): the cases below only read their results.
    for (const cause of HANGUP_CAUSE_OUTCOMES.keys())
      for (const number of [pbxNumber(cause), sipNumber(cause)]) {
        const ended = dial(number);
        ended.catch(() => undefined); // reported by the case that reads it
        calls.set(number, ended);
      }
  }, 60_000);
  afterAll(async () => {
    await dialer?.stop();
    await bus?.close();
    await db?.close();
    await rig?.stop();
  });

  async function dial(number: string): Promise<CallEvent> {
    const request = dialRequest({
      agentEndpoint: 'PJSIP/agent1001',
      phone: `+${number}`,
      ringTimeoutSeconds: 5,
    });
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
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ended = events.find((event) => event.attemptId === request.attemptId && event.phase === 'ended');
      if (ended) return ended;
      if (Date.now() > deadline) throw new Error(`${number}: no ended event in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  for (const [cause, expected] of HANGUP_CAUSE_OUTCOMES) {
    it.concurrent(`cause ${cause} on a Local channel of the pbx: ${expected.outcome} (${expected.text})`, async ({
      expect,
    }) => {
      const ended = await calls.get(pbxNumber(cause));
      expect(ended).toMatchObject({ outcome: expected.outcome, causeCode: cause, cause: expected.text });
    });
    const arrives = ARRIVES_OVER_SIP_AS.get(cause) ?? cause;
    const over = HANGUP_CAUSE_OUTCOMES.get(arrives);
    it.concurrent(`cause ${cause} from the simulator over SIP, arriving as ${arrives}: ${over?.outcome}`, async ({
      expect,
    }) => {
      const ended = await calls.get(sipNumber(cause));
      expect({ causeCode: ended?.causeCode, outcome: ended?.outcome, cause: ended?.cause }).toEqual({
        causeCode: arrives,
        outcome: over?.outcome,
        cause: over?.text,
      });
    });
  }
});
