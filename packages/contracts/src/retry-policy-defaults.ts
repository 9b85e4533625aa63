/** A campaign's retry policy: campaign.retry_policy JSON over these defaults (docs/operations.md). */
export interface RetryPolicy {
  /** Delays between dials while the SLA can still be met. */
  readonly shortDelaysSeconds: readonly number[];
  /** Delays once the SLA has passed; the last one repeats. */
  readonly cadenceSeconds: readonly number[];
  /** Dials of one lead, ever. */
  readonly maxAttempts: number;
  /** Dials of one lead in any 24 hours. */
  readonly maxAttemptsPer24h: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  shortDelaysSeconds: [60, 120],
  cadenceSeconds: [900, 3_600, 14_400, 86_400],
  maxAttempts: 6,
  maxAttemptsPer24h: 4,
};
