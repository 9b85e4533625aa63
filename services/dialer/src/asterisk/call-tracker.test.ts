import { describe, expect, it } from 'vitest';
import type { AmiMessage } from './ami-connection.ts';
import { CallTracker, type CallUpdate } from './call-tracker.ts';

// Sequences real Asterisk produces beyond the recorded scenarios (those are replayed in
// recorded-scenarios.int.test.ts): a Local channel for the agent, a dialplan that fails over to a
// second trunk, hang-ups at awkward moments, and other software's calls on the same AMI.
// Events are written as asterisk-manager delivers them: lower-cased header names.

const ATTEMPT = 'a1';
const at = (s: number) => new Date(Date.UTC(2026, 10, 24, 9, 0, s));

function run(events: AmiMessage[], setup?: (tracker: CallTracker) => void): CallUpdate[] {
  const tracker = new CallTracker();
  tracker.track(ATTEMPT);
  setup?.(tracker);
  return events.flatMap((event, i) => tracker.apply(event, at(i)));
}

const leg = (uniqueid: string, channel: string, extra: AmiMessage = {}) => ({
  uniqueid,
  channel,
  linkedid: ATTEMPT,
  ...extra,
});
const newchannel = (uniqueid: string, channel: string) => ({
  event: 'Newchannel',
  ...leg(uniqueid, channel),
});
const up = (uniqueid: string, channel: string) => ({
  event: 'Newstate',
  ...leg(uniqueid, channel, { channelstatedesc: 'Up' }),
});
const dial = (name: string, person: string, status?: string) => ({
  event: name,
  ...leg(ATTEMPT, 'PJSIP/agent7-00000001'),
  destuniqueid: person,
  destchannel: `PJSIP/carrier-${person}`,
  ...(status ? { dialstatus: status } : {}),
});
const bridgeEnter = (uniqueid: string, bridge = 'b1') => ({
  event: 'BridgeEnter',
  ...leg(uniqueid, `x-${uniqueid}`, { bridgeuniqueid: bridge }),
});
const hangup = (uniqueid: string, cause: number, text: string) => ({
  event: 'Hangup',
  ...leg(uniqueid, `x-${uniqueid}`, { cause: String(cause), 'cause-txt': text }),
});
const originateOk = { event: 'OriginateResponse', actionid: ATTEMPT, response: 'Success', reason: '4' };

describe('CallTracker beyond the recordings', () => {
  it('a dialplan that fails over to a second trunk: the second dial is the person, and the contact counts', () => {
    const updates = run([
      newchannel(ATTEMPT, 'PJSIP/agent7-00000001'),
      up(ATTEMPT, 'PJSIP/agent7-00000001'),
      originateOk,
      newchannel('p1', 'PJSIP/carrier-a'),
      dial('DialBegin', 'p1'),
      dial('DialEnd', 'p1', 'CONGESTION'),
      hangup('p1', 34, 'Circuit/channel congestion'),
      newchannel('p2', 'PJSIP/carrier-b'),
      dial('DialBegin', 'p2'),
      dial('DialState', 'p2', 'RINGING'),
      dial('DialEnd', 'p2', 'ANSWER'),
      bridgeEnter('p2'),
      bridgeEnter(ATTEMPT),
      { event: 'HangupRequest', ...leg('p2', 'PJSIP/carrier-b'), cause: '16' },
      hangup('p2', 16, 'Normal Clearing'),
      hangup(ATTEMPT, 16, 'Normal Clearing'),
    ]);
    expect(updates.map((update) => update.phase)).toEqual([
      'originated',
      'ringing',
      'answered',
      'bridged',
      'ended',
    ]);
    expect(updates.at(-1)).toMatchObject({ outcome: 'contacted', hangupBy: 'person', uniqueId: 'p2' });
  });

  it('an agent reached through a Local channel: its halves are not mistaken for the person', () => {
    const updates = run([
      newchannel(ATTEMPT, 'Local/1001@agents-00000001;1'),
      newchannel('l2', 'Local/1001@agents-00000001;2'),
      up(ATTEMPT, 'Local/1001@agents-00000001;1'),
      originateOk,
      newchannel('p1', 'PJSIP/carrier-a'),
      dial('DialBegin', 'p1'),
      dial('DialState', 'p1', 'RINGING'),
      dial('DialEnd', 'p1', 'ANSWER'),
      bridgeEnter('p1'),
      bridgeEnter('l2'),
      hangup('p1', 16, 'Normal Clearing'),
      hangup('l2', 16, 'Normal Clearing'),
      hangup(ATTEMPT, 16, 'Normal Clearing'),
    ]);
    expect(updates.map((update) => update.phase)).toEqual([
      'originated',
      'ringing',
      'answered',
      'bridged',
      'ended',
    ]);
    expect(updates.at(-1)).toMatchObject({ outcome: 'contacted' });
  });

  it('a hang-up asked while the person rings ends as no_answer by the dialer (DialEnd CANCEL)', () => {
    const updates = run(
      [
        newchannel(ATTEMPT, 'PJSIP/agent7-00000001'),
        originateOk,
        newchannel('p1', 'PJSIP/carrier-a'),
        dial('DialBegin', 'p1'),
        dial('DialState', 'p1', 'RINGING'),
        dial('DialEnd', 'p1', 'CANCEL'),
        hangup('p1', 16, 'Normal Clearing'),
        hangup(ATTEMPT, 16, 'Normal Clearing'),
      ],
      (tracker) => {
        const call = tracker.get(ATTEMPT);
        if (call) call.hangupRequested = true;
      },
    );
    expect(updates.at(-1)).toMatchObject({ outcome: 'no_answer', cause: 'AGENT HANGUP', hangupBy: 'dialer' });
  });

  it('an agent who answers and hangs up before the person is dialed is agent_missed, not a dial', () => {
    const updates = run([
      newchannel(ATTEMPT, 'PJSIP/agent7-00000001'),
      up(ATTEMPT, 'PJSIP/agent7-00000001'),
      originateOk,
      { event: 'HangupRequest', ...leg(ATTEMPT, 'PJSIP/agent7-00000001'), cause: '16' },
      hangup(ATTEMPT, 16, 'Normal Clearing'),
    ]);
    expect(updates.map((update) => update.phase)).toEqual(['originated', 'ended']);
    expect(updates.at(-1)).toMatchObject({ outcome: 'agent_missed', cause: 'AGENT HUNG UP BEFORE THE DIAL' });
  });

  it("ignores other calls' events on the same AMI", () => {
    const foreign = { linkedid: '1795424000.1', uniqueid: '1795424000.1', channel: 'PJSIP/reception-1' };
    const updates = run([
      { event: 'Newchannel', ...foreign },
      { event: 'Newstate', ...foreign, channelstatedesc: 'Up' },
      { event: 'Hangup', ...foreign, cause: '16', 'cause-txt': 'Normal Clearing' },
      { event: 'OriginateResponse', actionid: 'someone-else', response: 'Failure', reason: '0' },
    ]);
    expect(updates).toEqual([]);
  });

  it('a reconcile does not revive a leg whose Hangup came while the channel list was on its way', () => {
    const tracker = new CallTracker();
    const call = tracker.track(ATTEMPT);
    const before = [
      newchannel(ATTEMPT, 'PJSIP/agent7-00000001'),
      originateOk,
      newchannel('p1', 'PJSIP/carrier-a'),
      dial('DialBegin', 'p1'),
      dial('DialState', 'p1', 'RINGING'),
      dial('DialEnd', 'p1', 'BUSY'),
      hangup('p1', 17, 'User busy'),
    ];
    for (const event of before) tracker.apply(event, at(0));
    // The list was taken before the person's Hangup, and arrives after it.
    const listed = [
      { event: 'CoreShowChannel', ...leg(ATTEMPT, 'PJSIP/agent7-00000001'), channelstatedesc: 'Up' },
      { event: 'CoreShowChannel', ...leg('p1', 'PJSIP/carrier-a'), channelstatedesc: 'Ringing' },
    ];
    expect(tracker.reconcile(call, listed, at(1))).toEqual([]);
    expect(tracker.apply(hangup(ATTEMPT, 17, 'User busy'), at(2))).toEqual([
      expect.objectContaining({ phase: 'ended', outcome: 'busy' }),
    ]);
  });
});
