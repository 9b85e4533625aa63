/** Points per factor; a campaign's `scoring_weights` overrides any of them. */
export interface ScoringWeights {
  eligibility: { pre_approved: number; approved: number; checked: number };
  /** Points for an offer of `amountForFullPoints` or more; smaller amounts get their share. */
  amountPoints: number;
  amountForFullPoints: number;
  pointsPerVisit: number;
  maxVisitPoints: number;
  /** Points per minute on the offer page, up to the maximum. */
  pointsPerMinuteOnPage: number;
  maxPagePoints: number;
  /** Points for each intent beyond the first (the person came back), up to the maximum. */
  pointsPerRepeatIntent: number;
  maxRepeatPoints: number;
  /** Points when the intent came during the working day (09-17) or the evening (17-21), local time. */
  workdayHourPoints: number;
  eveningHourPoints: number;
}

/**
 * Defaults for a consumer-lending line: pre-approval is the strongest sign of a sale, a repeat
 * visit the next; the hour counts a little because daytime leads answer more often.
 */
export const DEFAULT_WEIGHTS: ScoringWeights = {
  eligibility: { pre_approved: 40, approved: 25, checked: 10 },
  amountPoints: 15,
  amountForFullPoints: 50_000,
  pointsPerVisit: 3,
  maxVisitPoints: 12,
  pointsPerMinuteOnPage: 2,
  maxPagePoints: 8,
  pointsPerRepeatIntent: 10,
  maxRepeatPoints: 20,
  workdayHourPoints: 5,
  eveningHourPoints: 3,
};

/** The campaign's weights over the defaults; unknown or non-numeric values are ignored. */
export function weightsFrom(overrides: unknown): ScoringWeights {
  const weights = structuredClone(DEFAULT_WEIGHTS);
  if (!overrides || typeof overrides !== 'object') return weights;
  for (const [name, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (name === 'eligibility' && value && typeof value === 'object') {
      for (const [level, points] of Object.entries(value as Record<string, unknown>)) {
        if (level in weights.eligibility && typeof points === 'number')
          weights.eligibility[level as keyof ScoringWeights['eligibility']] = points;
      }
    } else if (name in weights && name !== 'eligibility' && typeof value === 'number') {
      (weights as unknown as Record<string, number>)[name] = value;
    }
  }
  return weights;
}
