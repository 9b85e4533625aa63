import type { DialerProfile, RetryPolicy } from '@pronto/contracts';
import type { CallingWindow } from '@pronto/sla';
import type { DispatchPolicy } from '../policy/index.ts';

/** Talk plus wrap-up of a contact (the agent's time with a person who answered), in seconds. */
export type HandleTime =
  | { kind: 'exponential'; meanSeconds: number }
  | { kind: 'lognormal'; meanSeconds: number; sdSeconds: number }
  | { kind: 'fixed'; seconds: number };

/** The campaign settings the dispatcher and the dialer read, as the simulator needs them. */
export interface SimCampaign {
  id: string;
  slaSeconds: number;
  slaClock: 'calendar' | 'business_hours';
  timeZone: string;
  callingWindows: readonly CallingWindow[];
  holidays: readonly string[];
  overflowThresholdSeconds: number;
  agentGroups: readonly string[];
  retryPolicy: RetryPolicy;
  dialerProfile: DialerProfile;
}

/** An agent and the spans (epoch ms) it is signed in. */
export interface SimAgent {
  id: string;
  groups: readonly string[];
  shifts: readonly { from: number; to: number }[];
}

export type Arrivals =
  /** Expected arrivals in each hour from `start` (a rate constant within the hour); the last repeats. */
  | { kind: 'poisson'; perHour: readonly number[] }
  /** A lead history: arrival times (epoch ms) and, when known, scores. */
  | { kind: 'replay'; leads: readonly { arrivedAt: number; score?: number }[] };

export interface SimulationInput {
  seed: number;
  policy: DispatchPolicy;
  /** Epoch ms; leads arriving in [start, start + durationMs) are counted. */
  start: number;
  durationMs: number;
  campaign: SimCampaign;
  agents: readonly SimAgent[];
  arrivals: Arrivals;
  handle: HandleTime;
  /**
   * 'profile': outcomes and ring times from campaign.dialerProfile, retries per campaign.retryPolicy.
   * 'erlang': every call answered at once, no ring or accept time, no retries (Erlang C's regime).
   */
  mode: 'profile' | 'erlang';
  /**
   * The policy's view of the time from decision to contact (default DEFAULT_CONNECT_ALLOWANCE_MS / 1000).
   * The policy is given already built, so the run does not read it: a caller that wants another
   * allowance builds the policy with it (createDefaultPolicy, createSlackValuePolicy).
   */
  connectAllowanceSeconds?: number;
  /** 'profile' mode: the least time between two decision rounds; default DEFAULT_ROUND_INTERVAL_MS (1 s). */
  roundIntervalMs?: number;
  /** Leads arriving before start + warmupMs are simulated (they load the agents) but not counted. */
  warmupMs?: number;
}

export type SimBreachReason =
  | 'no_agent_available'
  | 'no_answer_all_attempts'
  | 'outside_window'
  | 'agent_missed_offer'
  | 'dialer_error';

export interface SimFigures {
  leads: number;
  /** Leads contacted (a person answered) by their due time. */
  met: number;
  attainment: number | null;
  /** The share of leads first dialed (offered, in erlang mode) by their due time. */
  firstDialWithinSla: number | null;
  /** Seconds from arrival to the first dial; null when no lead, or when the percentile falls on a lead never dialed in the run. */
  speedToLead: { p50: number | null; p90: number | null; p99: number | null };
  /** Busy agent-seconds / signed-in agent-seconds. */
  occupancy: number | null;
  /** Sum of the scores of met leads / sum of the scores of all leads. */
  valueMet: number | null;
  breachReasons: Record<SimBreachReason, number>;
}

export interface SimulationResult {
  total: SimFigures;
  /** By arrival hour from `start`. */
  hours: (SimFigures & { hour: number; from: number })[];
  /** Erlang mode: each counted lead's wait from arrival to offer, in arrival order. */
  waitsSeconds?: Float64Array;
}
