import type { AttemptOutcome, CallEventV1 } from '@pronto/contracts';
import {
  type DialerProfile,
  type MsRange,
  SIMULATED_OUTCOMES,
  type SimulatedOutcome,
} from './dialer-profile.ts';

export type CallPhase = CallEventV1['payload']['phase'];

export interface PlannedPhase {
  readonly phase: CallPhase;
  /** On `ended` only. */
  readonly outcome?: AttemptOutcome;
  /** On `ended` only: the cause text, worded like Asterisk's. */
  readonly cause?: string;
}

/** Phases that happen together, `afterMs` after the previous step. */
export interface PlannedStep {
  readonly afterMs: number;
  readonly phases: readonly PlannedPhase[];
}

/**
 * One simulated call from originate to `ended`, drawn from the profile. The person's ring is cut at
 * the profile's no-answer timeout, or at the request's ring timeout when that is shorter: a person
 * or voicemail that would answer later counts as no answer, as with a real `Dial()`.
 * Busy and failed calls never ring, so they skip from `originated` to `ended`. A person who answers
 * is bridged to the waiting agent at once, so `answered` and `bridged` are one step.
 */
export function planCall(
  profile: DialerProfile,
  requestRingTimeoutMs: number,
  random: () => number,
): PlannedStep[] {
  const ringTimeoutMs = Math.min(profile.noAnswerTimeoutMs, requestRingTimeoutMs);
  const originated: PlannedStep = {
    afterMs: draw(profile.agentRingMs, random),
    phases: [{ phase: 'originated' }],
  };
  const outcome = drawOutcome(profile.rates, random);
  const postDialDelayMs = profile.postDialDelayMs;
  if (outcome === 'busy') return [originated, networkEnd(postDialDelayMs, 'busy', 'USER BUSY')];
  if (outcome === 'failed') return [originated, networkEnd(postDialDelayMs, 'failed', 'CONGESTION')];
  const ringing: PlannedStep = { afterMs: postDialDelayMs, phases: [{ phase: 'ringing' }] };
  const noAnswer: PlannedStep = {
    afterMs: ringTimeoutMs,
    phases: [{ phase: 'ended', outcome: 'no_answer', cause: 'NO ANSWER' }],
  };
  if (outcome === 'no_answer') return [originated, ringing, noAnswer];
  const ring = draw(profile.personRingMs, random);
  if (ring >= ringTimeoutMs) return [originated, ringing, noAnswer];
  if (outcome === 'voicemail')
    return [
      originated,
      ringing,
      { afterMs: ring, phases: [{ phase: 'answered' }] },
      {
        afterMs: profile.machineDetectionMs,
        phases: [{ phase: 'ended', outcome: 'voicemail', cause: 'ANSWERING MACHINE' }],
      },
    ];
  return [
    originated,
    ringing,
    { afterMs: ring, phases: [{ phase: 'answered' }, { phase: 'bridged' }] },
    {
      afterMs: draw(profile.talkMs, random),
      phases: [{ phase: 'ended', outcome: 'contacted', cause: 'NORMAL CLEARING' }],
    },
  ];
}

/** Picks an outcome with the profile's probabilities (the rates sum to 1). */
export function drawOutcome(rates: DialerProfile['rates'], random: () => number): SimulatedOutcome {
  const roll = random();
  let cumulative = 0;
  for (const outcome of SIMULATED_OUTCOMES) {
    cumulative += rates[outcome];
    if (roll < cumulative) return outcome;
  }
  // Rounding can leave the sum a hair under 1: the roll then falls to the last possible outcome.
  return SIMULATED_OUTCOMES.findLast((outcome) => rates[outcome] > 0) ?? 'no_answer';
}

/** Busy and congestion come back from the network after the post-dial delay, without a ring. */
function networkEnd(afterMs: number, outcome: AttemptOutcome, cause: string): PlannedStep {
  return { afterMs, phases: [{ phase: 'ended', outcome, cause }] };
}

function draw([min, max]: MsRange, random: () => number): number {
  return Math.round(min + random() * (max - min));
}
