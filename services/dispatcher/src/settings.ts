/** The dispatcher's own limits; the per-campaign ones (SLA, groups, offer timeout, retries) live on the campaign. */
export interface DispatcherSettings {
  /** Offers missed in a row before the agent is paused (reason `missed_offers`). */
  readonly maxMissedOffers: number;
  /**
   * Times one agent's phone may miss one lead (not answer, or reject the call) before that lead is
   * never offered to that agent again: it waits for another agent instead.
   */
  readonly maxPhoneMissesPerLead: number;
  /** A dialed attempt whose dialer says nothing for this long ends as failed (`dialer_silent`). */
  readonly dialDeadlineMs: number;
  /** After the agent hangs up, how long the dialer has to confirm the end. */
  readonly hangupGraceMs: number;
  /** A connected call the dialer never reports ended is closed after this long (a dialer that crashed mid-call). */
  readonly maxCallMs: number;
  /** A contact left in wrap-up this long without a disposition is closed, and the agent freed. */
  readonly wrapUpLimitMs: number;
  /** Per campaign, the most queued leads one decision round looks at: that many that can still meet the SLA (earliest due) and that many breached (highest score). */
  readonly queueWindow: number;
  /**
   * How long an instance's lease on its agent shards lasts without renewal (renewed every fifth of
   * it): after an instance dies, the others take its agents within this plus a fifth.
   */
  readonly leaseMs: number;
  /** While instances share the agents, how often each looks for work nobody woke it for. */
  readonly sharedLookMs: number;
}

export const DEFAULT_SETTINGS: DispatcherSettings = {
  maxMissedOffers: 2,
  maxPhoneMissesPerLead: 2,
  dialDeadlineMs: 120_000,
  hangupGraceMs: 30_000,
  maxCallMs: 4 * 3_600_000,
  wrapUpLimitMs: 10 * 60_000,
  queueWindow: 2_000,
  leaseMs: 10_000,
  sharedLookMs: 100,
};
