import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TrackedCall } from './call-tracker.ts';
import { decideOutcome } from './decide-outcome.ts';
import { HANGUP_CAUSE_OUTCOMES } from './hangup-cause-outcome.ts';

/** A call whose agent answered and whose person's leg was dialed and ended with `code`. */
function dialedCall(code: number, text: string, dialStatus: string): TrackedCall {
  return {
    attemptId: 'att-1',
    channelId: 'att-1',
    personUniqueId: '1700000000.2',
    liveLegs: new Set(),
    legEnds: new Map([
      ['att-1', { code: 16, text: 'Normal Clearing' }],
      ['1700000000.2', { code, text }],
    ]),
    originateAnswered: { success: true, reason: '4' },
    personDialStatus: dialStatus,
    hangupRequested: false,
    bridges: new Map(),
    reached: new Set(['originated', 'ringing']),
  };
}

const REQUIRED = [1, 3, 16, 17, 18, 19, 21, 27, 28, 31, 34, 38, 41, 42, 102, 127];

describe('hang-up causes of the person’s leg', () => {
  it('the table covers every cause the contract names, each with an outcome of the attempt set', () => {
    for (const code of REQUIRED) expect(HANGUP_CAUSE_OUTCOMES.has(code), `cause ${code}`).toBe(true);
  });

  it('decides each listed cause by the table, naming the cause, whatever DIALSTATUS Asterisk gave', () => {
    for (const [code, expected] of HANGUP_CAUSE_OUTCOMES) {
      // Asterisk reports a 404, 403 or 603 as NOANSWER: the cause must win over it.
      for (const status of ['NOANSWER', 'CHANUNAVAIL', 'CONGESTION']) {
        expect(decideOutcome(dialedCall(code, 'Unknown', status)), `${code} ${status}`).toEqual({
          outcome: expected.outcome,
          cause: expected.text,
          causeCode: code,
          hangupBy: expected.hangupBy,
        });
      }
    }
  });

  it('a call rejected (21) is not a ring-out: busy, with the cause named', () => {
    expect(decideOutcome(dialedCall(21, 'Call Rejected', 'NOANSWER'))).toEqual({
      outcome: 'busy',
      cause: 'CALL REJECTED',
      causeCode: 21,
      hangupBy: 'person',
    });
  });

  it('a cause the table does not list (0 on a ring-out) leaves it to DIALSTATUS', () => {
    expect(decideOutcome(dialedCall(0, 'Unknown', 'NOANSWER'))).toMatchObject({
      outcome: 'no_answer',
      cause: 'NO ANSWER',
    });
    expect(decideOutcome(dialedCall(0, 'Unknown', 'BUSY'))).toMatchObject({ outcome: 'busy' });
    expect(decideOutcome(dialedCall(0, 'Unknown', 'CONGESTION'))).toMatchObject({ outcome: 'failed' });
  });

  it('docs/dialer-contract.md holds the same table', () => {
    const doc = readFileSync(new URL('../../../../docs/dialer-contract.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### Hang-up causes'));
    const rows = [...section.matchAll(/^\| (\d+) \| `([A-Z ,/()]+)` \| `([a-z_]+)` \|/gm)].map((match) => [
      Number(match[1]),
      match[2],
      match[3],
    ]);
    expect(rows).toEqual(
      [...HANGUP_CAUSE_OUTCOMES].map(([code, { text, outcome }]) => [code, text, outcome]),
    );
  });
});
