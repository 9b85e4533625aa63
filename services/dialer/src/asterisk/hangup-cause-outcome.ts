import type { AttemptOutcome } from '@pronto/contracts';

/** What a Q.850 hang-up cause of the person's leg means for an attempt that was never bridged. */
export interface CauseOutcome {
  readonly outcome: AttemptOutcome;
  /** Asterisk's own name of the cause (ast_cause2str), upper-cased: the attempt's `cause`. */
  readonly text: string;
  /** Who ended the call, as far as the cause tells. */
  readonly hangupBy: 'person' | 'network';
}

const entry = (outcome: AttemptOutcome, text: string, hangupBy: 'person' | 'network' = 'network') => ({
  outcome,
  text,
  hangupBy,
});

/**
 * The one table from a hang-up cause of the person's leg to the attempt's outcome (documented in
 * docs/dialer-contract.md, "Hang-up causes", which a test keeps equal to this). Reasons:
 * - the number does not exist or is malformed (1, 22, 28): `invalid_number`, the lead is closed;
 * - the person's side turned the call away (17 busy, 21 rejected, e.g. a declined call or 603):
 *   `busy`, retried after the short delay like a busy line, not a ring-out;
 * - the phone was reached but nobody took the call (16 cleared before answer, 18, 19, 20 absent,
 *   31 normal unspecified): `no_answer`;
 * - the network could not complete the call (3 no route, 27, 34, 38, 41, 42, 102, 127):
 *   `failed`, retried. No route (3) is not taken for a wrong number: a carrier's routing fault
 *   would otherwise close good leads for ever.
 * A cause not listed (0 "unknown" included) leaves the decision to Asterisk's DIALSTATUS.
 */
export const HANGUP_CAUSE_OUTCOMES: ReadonlyMap<number, CauseOutcome> = new Map([
  [1, entry('invalid_number', 'UNALLOCATED (UNASSIGNED) NUMBER')],
  [3, entry('failed', 'NO ROUTE TO DESTINATION')],
  [16, entry('no_answer', 'NORMAL CLEARING', 'person')],
  [17, entry('busy', 'USER BUSY', 'person')],
  [18, entry('no_answer', 'NO USER RESPONDING')],
  [19, entry('no_answer', 'USER ALERTING, NO ANSWER')],
  [20, entry('no_answer', 'SUBSCRIBER ABSENT')],
  [21, entry('busy', 'CALL REJECTED', 'person')],
  [22, entry('invalid_number', 'NUMBER CHANGED')],
  [27, entry('failed', 'DESTINATION OUT OF ORDER')],
  [28, entry('invalid_number', 'INVALID NUMBER FORMAT')],
  [31, entry('no_answer', 'NORMAL, UNSPECIFIED')],
  [34, entry('failed', 'CIRCUIT/CHANNEL CONGESTION')],
  [38, entry('failed', 'NETWORK OUT OF ORDER')],
  [41, entry('failed', 'TEMPORARY FAILURE')],
  [42, entry('failed', 'SWITCHING EQUIPMENT CONGESTION')],
  [102, entry('failed', 'RECOVER ON TIMER EXPIRY')],
  [127, entry('failed', 'INTERWORKING, UNSPECIFIED')],
]);

/** The table's entry for a cause, if it has one. */
export function hangupCauseOutcome(code: number | undefined): CauseOutcome | undefined {
  return code === undefined ? undefined : HANGUP_CAUSE_OUTCOMES.get(code);
}
