/** The dispatcher's own limits; the per-campaign ones (SLA, groups, offer timeout, retries) live on the campaign. */
export interface DispatcherSettings {
  /** Offers missed in a row before the agent is paused (reason `missed_offers`). */
  readonly maxMissedOffers: number;
  /** A dialed attempt whose dialer says nothing for this long ends as failed (`dialer_silent`). */
  readonly dialDeadlineMs: number;
  /** After the agent hangs up, how long the dialer has to confirm the end. */
  readonly hangupGraceMs: number;
  /** The most queued leads one decision round looks at (earliest due first). */
  readonly queueWindow: number;
}

export const DEFAULT_SETTINGS: DispatcherSettings = {
  maxMissedOffers: 2,
  dialDeadlineMs: 120_000,
  hangupGraceMs: 30_000,
  queueWindow: 5_000,
};
