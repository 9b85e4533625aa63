import type { AttemptOutcome } from '@pronto/contracts';

/** What a dialer recorded of an attempt's call placed earlier. */
export interface PlacedCall {
  /** When the call ended, or null: still in flight, or dropped by a dialer that stopped or crashed. */
  readonly endedAt: Date | null;
  readonly outcome: AttemptOutcome | null;
}

/**
 * The calls a dialer placed, by attempt: one attempt, one call, also across a restart of the dialer
 * and across dialer instances (docs/dialer-contract.md, "Idempotency").
 */
export interface CallLog {
  /**
   * Records that the attempt's call is placed now, and answers undefined; or, when a call was
   * placed for the attempt before, records nothing and answers that call: it is not placed again.
   */
  place(attemptId: string, at: Date): Promise<PlacedCall | undefined>;
  /** Records how the attempt's call ended. */
  end(attemptId: string, outcome: AttemptOutcome, at: Date): Promise<void>;
}
