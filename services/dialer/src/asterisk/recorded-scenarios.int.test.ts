import type { CallEventV1 } from '@pronto/contracts';
import { readAmiTranscript } from '@pronto/testing';
import { describe, it } from 'vitest';
import { CLOCK_START, startAmiScenario, useTestBus } from './test-harness.ts';

// Every originate scenario recorded from Asterisk 22 (../shared/ami/transcripts), replayed over TCP
// at four times the recorded speed: the outcome, the cause, the ids and the timings the dialer derives
// (on the replay's clock, so they are the recording's own milliseconds).

const SPEED = 4;
/** Timings are in recorded milliseconds; events a few ms apart may arrive in one read. */
const SLACK_MS = 25;

type CallEvent = CallEventV1['payload'];
const testBus = useTestBus();

/** The recorded time of the first message holding every needle (in what Asterisk sent), or of the client's Originate. */
function recordedMs(transcript: string, ...needles: string[]): number {
  for (const line of readAmiTranscript(transcript)) {
    const messages = line.raw.split('\r\n\r\n');
    if (messages.some((message) => needles.every((needle) => message.includes(needle)))) return line.t;
  }
  throw new Error(`${transcript}: nothing with ${needles.join(' + ')}`);
}

const originateMs = (transcript: string) => recordedMs(transcript, 'Action: Originate');
const ms = (event: CallEvent) => Date.parse(event.at);

interface Expected {
  outcome: CallEvent['outcome'];
  cause: string;
  causeCode?: number;
  hangupBy: CallEvent['hangupBy'];
  phases: CallEvent['phase'][];
  /** Recorded events that each phase must line up with. */
  at: Partial<Record<CallEvent['phase'], string[]>>;
}

const scenarios: Record<string, Expected> = {
  'originate-contacted': {
    outcome: 'contacted',
    cause: 'NORMAL CLEARING',
    causeCode: 16,
    hangupBy: 'person',
    phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
    at: {
      originated: ['Event: OriginateResponse'],
      ringing: ['Event: DialState', 'DialStatus: RINGING', '\r\nChannel: PJSIP/agent'],
      bridged: ['Event: BridgeEnter', '\r\nChannel: PJSIP/agent'],
      ended: ['Event: Hangup', '\r\nChannel: PJSIP/agent'],
    },
  },
  'originate-contacted-channelid': {
    outcome: 'contacted',
    cause: 'NORMAL CLEARING',
    causeCode: 16,
    hangupBy: 'person',
    phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
    at: { bridged: ['Event: BridgeEnter', '\r\nChannel: PJSIP/agent'] },
  },
  'originate-agent-hangs-first': {
    outcome: 'contacted',
    cause: 'NORMAL CLEARING',
    causeCode: 16,
    hangupBy: 'agent',
    phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
    at: { ended: ['Event: HangupRequest', '\r\nChannel: PJSIP/agent'] },
  },
  'originate-agent-no-answer': {
    outcome: 'agent_missed',
    cause: 'USER ALERTING, NO ANSWER',
    causeCode: 19,
    hangupBy: 'agent',
    phases: ['ended'],
    at: { ended: ['Event: Hangup', 'Cause: 19'] },
  },
  'originate-agent-busy': {
    outcome: 'agent_missed',
    cause: 'USER BUSY',
    causeCode: 17,
    hangupBy: 'agent',
    phases: ['ended'],
    at: { ended: ['Event: Hangup', 'Cause: 17'] },
  },
  'originate-customer-no-answer': {
    outcome: 'no_answer',
    cause: 'NO ANSWER',
    hangupBy: 'network',
    phases: ['originated', 'ringing', 'ended'],
    at: { ended: ['Event: DialEnd', 'DialStatus: NOANSWER'] },
  },
  'originate-customer-busy': {
    outcome: 'busy',
    cause: 'USER BUSY',
    causeCode: 17,
    hangupBy: 'person',
    phases: ['originated', 'ringing', 'ended'],
    at: { ended: ['Event: DialEnd', 'DialStatus: BUSY'] },
  },
  'originate-customer-congestion': {
    outcome: 'failed',
    cause: 'CIRCUIT/CHANNEL CONGESTION',
    causeCode: 34,
    hangupBy: 'network',
    phases: ['originated', 'ended'],
    at: { ended: ['Event: DialEnd', 'DialStatus: CONGESTION'] },
  },
  'originate-invalid-number': {
    outcome: 'invalid_number',
    cause: 'UNALLOCATED (UNASSIGNED) NUMBER',
    causeCode: 1,
    hangupBy: 'network',
    phases: ['originated', 'ended'],
    at: { ended: ['Event: DialEnd', 'DialStatus: NOANSWER'] },
  },
  'originate-invalid-number-format': {
    outcome: 'invalid_number',
    cause: 'INVALID NUMBER FORMAT',
    causeCode: 28,
    hangupBy: 'network',
    phases: ['originated', 'ended'],
    at: { ended: ['Event: DialEnd', 'DialStatus: NOANSWER'] },
  },
  'originate-bad-channel': {
    outcome: 'failed',
    cause: 'ORIGINATE FAILED (REASON 0)',
    hangupBy: 'network',
    phases: ['ended'],
    at: { ended: ['Event: OriginateResponse'] },
  },
};

describe.concurrent('recorded Asterisk scenarios', () => {
  for (const [transcript, expected] of Object.entries(scenarios)) {
    it(`${transcript}: ${expected.outcome} (${expected.cause})`, async ({ expect }) => {
      const scenario = await startAmiScenario(testBus.bus, [transcript], { speed: SPEED });
      try {
        const request = await scenario.send('originate');
        const ended = await scenario.phase(request.attemptId, 'ended');
        const events = scenario.events.filter((event) => event.attemptId === request.attemptId);

        expect(events.map((event) => event.phase)).toEqual(expected.phases);
        expect(ended).toMatchObject({
          outcome: expected.outcome,
          cause: expected.cause,
          hangupBy: expected.hangupBy,
          leadId: request.leadId,
          agentId: request.agentId,
        });
        if (expected.causeCode !== undefined) expect(ended.causeCode).toBe(expected.causeCode);
        // Ids: the agent's leg is created with ChannelId = the attempt id, so it is the call's Linkedid.
        for (const event of events) expect(event.linkedId).toBe(request.attemptId);
        const originated = events.find((event) => event.phase === 'originated');
        if (originated) expect(originated.uniqueId).toBe(request.attemptId);
        const ringing = events.find((event) => event.phase === 'ringing');
        if (ringing) expect(ringing.uniqueId).toMatch(/^\d{10}\.\d+$/);

        // Timings: each phase when its recorded event came, counted from the Originate.
        const sentAt = CLOCK_START + originateMs(transcript);
        for (const [phase, needles] of Object.entries(expected.at)) {
          const event = events.find((candidate) => candidate.phase === phase) as CallEvent;
          const recorded = recordedMs(transcript, ...needles) - originateMs(transcript);
          expect(
            Math.abs(ms(event) - sentAt - recorded),
            `${phase} at +${ms(event) - sentAt} ms`,
          ).toBeLessThan(SLACK_MS);
        }
        expect(scenario.server.mismatches).toEqual([]);
        const originate = scenario.server.received.find((action) => action.action === 'Originate');
        expect(
          Object.fromEntries(originate?.headers.map(([key, value]) => [key.toLowerCase(), value]) ?? []),
        ).toMatchObject({
          actionid: request.attemptId,
          channel: 'PJSIP/agent-7',
          context: 'pronto-outbound',
          exten: '48601234567',
          timeout: '15000',
          channelid: request.attemptId,
          async: 'true',
        });
      } finally {
        await scenario.close();
      }
    });
  }
});
