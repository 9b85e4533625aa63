import { CallTracker, type CallUpdate } from '../../../services/dialer/src/asterisk/call-tracker.ts';
import type { PlannedCall } from './busy-hour.ts';
import type { Phase } from './scenarios.ts';

/** What the dialer made of each call, against what its scenario recorded. */
class Outcomes {
  readonly #byAttempt = new Map<string, { phases: Phase[]; ended?: CallUpdate }>();
  updates = 0;

  constructor(readonly calls: PlannedCall[]) {
    for (const call of calls) this.#byAttempt.set(call.attemptId, { phases: [] });
  }

  /** As the dialer's publish(): note each phase, forget a call once it ended. */
  record(updates: CallUpdate[], tracker: CallTracker): void {
    for (const update of updates) {
      this.updates += 1;
      const seen = this.#byAttempt.get(update.attemptId);
      if (!seen) continue;
      seen.phases.push(update.phase);
      if (update.phase !== 'ended') continue;
      seen.ended = update;
      const call = tracker.get(update.linkedId);
      if (call) tracker.forget(call);
    }
  }

  /**
   * Calls that ended, phases emitted, and readable descriptions of the calls that did not end as
   * recorded.
   */
  check(): { ended: number; updates: number; mismatches: string[] } {
    let ended = 0;
    const mismatches: string[] = [];
    for (const call of this.calls) {
      const seen = this.#byAttempt.get(call.attemptId);
      const want = call.template.scenario;
      if (seen?.ended) ended += 1;
      const got = seen?.ended;
      const ok =
        got !== undefined &&
        seen?.phases.join() === want.phases.join() &&
        got.outcome === want.outcome &&
        got.cause === want.cause &&
        got.hangupBy === want.hangupBy &&
        got.linkedId === call.attemptId;
      if (!ok)
        mismatches.push(
          `${call.attemptId} (${want.name}): phases ${seen?.phases.join(',') || 'none'}, ended ${got ? `${got.outcome} / ${got.cause} / ${got.hangupBy}` : 'never'}`,
        );
    }
    return { ended, updates: this.updates, mismatches };
  }
}

/**
 * A fresh CallTracker with every call `track`ed up front (as the dialer does), and the Outcomes a
 * measured path records its updates in and checks at the end. Every path starts from one, so that
 * none sees another's state.
 */
export function outcomeCheck(calls: PlannedCall[]): { tracker: CallTracker; outcomes: Outcomes } {
  const tracker = new CallTracker();
  for (const call of calls) tracker.track(call.attemptId);
  return { tracker, outcomes: new Outcomes(calls) };
}
