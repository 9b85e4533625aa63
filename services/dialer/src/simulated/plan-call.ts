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
 * From the agent's answer until the network answers for the person's number (ringing, busy or
 * congestion): the post-dial delay, about 1-3 s on mobile networks.
 */
export const POST_DIAL_DELAY_MS = 2_000;

/**
 * How long the dialer listens before it knows a machine answered: Asterisk's answering-machine
 * detection (`AMD()`) decides within its `totalAnalysisTime`, 5 s by default.
 */
export const MACHINE_DETECTION_MS = 5_000;

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
  if (outcome === 'busy') return [originated, networkEnd('busy', 'USER BUSY')];
  if (outcome === 'failed') return [originated, networkEnd('failed', 'CONGESTION')];
  const ringing: PlannedStep = { afterMs: POST_DIAL_DELAY_MS, phases: [{ phase: 'ringing' }] };
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
        afterMs: MACHINE_DETECTION_MS,
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

function networkEnd(outcome: AttemptOutcome, cause: string): PlannedStep {
  return { afterMs: POST_DIAL_DELAY_MS, phases: [{ phase: 'ended', outcome, cause }] };
}

function draw([min, max]: MsRange, random: () => number): number {
  return Math.round(min + random() * (max - min));
}
