import { DRAW, exponential, keyedUniform, sequentialRandom, uniformBetween } from './random.ts';
import type { SimulationInput } from './types.ts';

export const HOUR_MS = 3_600_000;
/** Scores drawn for leads that have none: the spread a scoring model gives web leads. */
export const DRAWN_SCORE_RANGE = [20, 100] as const;

export interface Traffic {
  readonly arrivedAt: Float64Array;
  readonly score: Float64Array;
}

/**
 * Poisson arrivals whose rate is constant within each hour from `start` (the last hour's rate
 * repeats): exponential gaps, restarted at each hour boundary, which is exact because the process is
 * memoryless.
 */
function poissonTimes(seed: number, start: number, durationMs: number, perHour: readonly number[]): number[] {
  const random = sequentialRandom(seed ^ 0x5eed);
  const end = start + durationMs;
  const times: number[] = [];
  for (let hourStart = start, hour = 0; hourStart < end; hourStart += HOUR_MS, hour += 1) {
    const rate = perHour[Math.min(hour, perHour.length - 1)] ?? 0;
    const hourEnd = Math.min(hourStart + HOUR_MS, end);
    if (!(rate > 0)) continue;
    const meanGap = HOUR_MS / rate;
    for (
      let at = hourStart + exponential(meanGap, 1 - random());
      at < hourEnd;
      at += exponential(meanGap, 1 - random())
    )
      times.push(at);
  }
  return times;
}

/** The leads of the run, in arrival order (their index keys their draws), with their scores. */
export function generateTraffic(input: SimulationInput): Traffic {
  const { arrivals, start, durationMs, seed } = input;
  const end = start + durationMs;
  const given =
    arrivals.kind === 'poisson'
      ? poissonTimes(seed, start, durationMs, arrivals.perHour).map((arrivedAt) => ({
          arrivedAt,
          score: undefined,
        }))
      : arrivals.leads
          .filter((lead) => lead.arrivedAt >= start && lead.arrivedAt < end)
          .sort((a, b) => a.arrivedAt - b.arrivedAt);
  const arrivedAt = Float64Array.from(given, (lead) => lead.arrivedAt);
  const score = Float64Array.from(
    given,
    (lead, index) =>
      lead.score ??
      Math.round(uniformBetween(...DRAWN_SCORE_RANGE, keyedUniform(seed, index, 0, DRAW.score))),
  );
  return { arrivedAt, score };
}
