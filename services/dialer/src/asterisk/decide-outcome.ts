import type { CallUpdate, TrackedCall } from './call-tracker.ts';
import { hangupCauseOutcome } from './hangup-cause-outcome.ts';

/** A leg's `Hangup` cause: Q.850 code and Asterisk's text. */
export interface LegEnd {
  code: number;
  text: string;
}

type Decided = Pick<CallUpdate, 'outcome' | 'cause' | 'causeCode' | 'hangupBy'>;

/**
 * How a finished call ended, from what real Asterisk 22 reports (the recorded AMI transcripts the
 * tests replay; docs/dialer-contract.md, "Hang-up causes"):
 * - the person's leg bridged with the agent's: `contacted`, whoever hung up;
 * - the agent's phone never came up (Originate failed with a channel that rang or was rejected):
 *   `agent_missed`; an Originate that created no channel at all (no such endpoint): `failed`;
 * - the dial to the person: CANCEL (the agent hung up while it rang) -> `no_answer`; ANSWER but
 *   never bridged -> `failed`; otherwise the person's hang-up cause decides, by the one table in
 *   hangup-cause-outcome.ts (Asterisk reports a 404, 403 or 603 as NOANSWER, so DIALSTATUS alone
 *   would call a wrong or rejecting number a ring-out); a cause the table does not list (0 on a
 *   ring-out) leaves it to DIALSTATUS: BUSY -> `busy`, NOANSWER -> `no_answer`, else `failed`.
 */
export function decideOutcome(call: TrackedCall): Decided {
  const person = call.personUniqueId ? call.legEnds.get(call.personUniqueId) : undefined;
  const agent = call.legEnds.get(call.channelId);
  if (call.reached.has('bridged')) {
    const by = call.firstHangupBy ?? (call.hangupRequested ? 'dialer' : 'network');
    const end = (by === 'agent' ? agent : person) ?? person ?? agent;
    return { outcome: 'contacted', ...cause(end, 'NORMAL CLEARING'), hangupBy: by };
  }
  if (call.hangupRequested && !call.personDialStatus && !call.reached.has('ringing')) {
    return { outcome: 'no_answer', cause: 'AGENT HANGUP', hangupBy: 'dialer' };
  }
  if (!call.reached.has('originated')) {
    if (!agent) {
      const reason = call.originateAnswered?.reason ?? '';
      return {
        outcome: 'failed',
        cause: `ORIGINATE FAILED (REASON ${reason || 'UNKNOWN'})`,
        hangupBy: 'network',
      };
    }
    return { outcome: 'agent_missed', ...cause(agent, 'AGENT DID NOT ANSWER'), hangupBy: 'agent' };
  }
  const status = call.personDialStatus;
  const end = person ?? agent;
  if (!call.personUniqueId && call.agentHungUp) {
    // The agent's phone answered and hung up before the person was dialed: the lead was never called.
    return {
      outcome: 'agent_missed',
      cause: 'AGENT HUNG UP BEFORE THE DIAL',
      causeCode: agent?.code,
      hangupBy: 'agent',
    };
  }
  if (status === 'CANCEL') {
    return {
      outcome: 'no_answer',
      cause: 'AGENT HANGUP',
      hangupBy: call.hangupRequested ? 'dialer' : 'agent',
    };
  }
  if (status === 'ANSWER') {
    // Answered but never bridged: the agent's leg went in the same instant.
    return { outcome: 'failed', cause: 'ANSWERED BUT NOT BRIDGED', causeCode: end?.code, hangupBy: 'agent' };
  }
  // The agent's leg carries the person's cause only once the person was dialed.
  const decisive = person ?? (status ? agent : undefined);
  const byCause = hangupCauseOutcome(decisive?.code);
  if (decisive && byCause) {
    return { outcome: byCause.outcome, ...cause(decisive, byCause.text), hangupBy: byCause.hangupBy };
  }
  switch (status) {
    case 'BUSY':
      return { outcome: 'busy', ...cause(end, 'USER BUSY'), hangupBy: 'person' };
    case 'NOANSWER':
      return { outcome: 'no_answer', cause: 'NO ANSWER', causeCode: end?.code, hangupBy: 'network' };
    default:
      // CONGESTION, CHANUNAVAIL, or no dial at all (the outbound context failed).
      return { outcome: 'failed', ...cause(end, status ?? 'NO DIAL'), hangupBy: 'network' };
  }
}

function cause(end: LegEnd | undefined, fallback: string): Pick<CallUpdate, 'cause' | 'causeCode'> {
  if (!end?.text || end.text === 'Unknown') return { cause: fallback, causeCode: end?.code };
  return { cause: end.text.toUpperCase(), causeCode: end.code };
}
