import type { SqlQueryable } from '@pronto/db';
import { DateTime } from 'luxon';
import { DEMO } from './seed-demo.ts';

/** Weeks of past leads the demo campaign starts with: what the staffing forecast averages by default. */
export const DEMO_HISTORY_WEEKS = 4;

/**
 * A lead-response campaign's day, by local hour 0-23 (relative weights): quiet at night, a
 * mid-morning peak as people check offers at work, a lunch dip, and a second peak in the early
 * evening at home.
 */
const HOURLY_WEIGHTS = [
  0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.6, 1.8, 3.6, 5.6, 7.2, 7.0, 5.6, 5.0, 5.2, 5.6, 6.2, 7.0, 7.8, 7.4, 5.8,
  4.0, 2.4, 1.2,
];
/** Leads a day, Monday (1) to Sunday (7): about 400 on working days, fewer at the weekend. */
const DAILY_LEADS: Record<number, number> = { 1: 430, 2: 410, 3: 400, 4: 400, 5: 380, 6: 260, 7: 200 };
const WEIGHT_SUM = HOURLY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
const HOUR_MS = 3_600_000;

/** mulberry32: the same history on every start and machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Poisson count with the given mean (Knuth's method: the means here are at most a few dozen). */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

/**
 * The arrival times (epoch ms, in order) of the demo's past leads: each local hour of the `weeks`
 * weeks before `today` gets a Poisson count around its day's and hour's share, spread uniformly
 * over the hour.
 */
export function demoArrivals(today: DateTime, weeks: number, seed = 18): number[] {
  const random = seededRandom(seed);
  const arrivals: number[] = [];
  for (let back = weeks * 7; back >= 1; back -= 1) {
    const day = today.minus({ days: back }).startOf('day');
    const perDay = DAILY_LEADS[day.weekday] ?? 400;
    for (let hour = 0; hour < 24; hour += 1) {
      const from = day.set({ hour }).toMillis();
      // A spring-forward day skips an hour: its leads are not invented.
      if (DateTime.fromMillis(from, { zone: today.zone }).hour !== hour) continue;
      const count = poisson(random, (perDay * (HOURLY_WEIGHTS[hour] ?? 0)) / WEIGHT_SUM);
      for (let n = 0; n < count; n += 1) arrivals.push(from + Math.floor(random() * HOUR_MS));
    }
  }
  return arrivals.sort((a, b) => a - b);
}

/**
 * Gives the demo campaign four weeks of past leads, so that a manager opening the staffing page on
 * the first `npm start` sees a forecast at once. Done once: not when the campaign already has a lead
 * from before today (an earlier start's history, or real use).
 *
 * The leads are closed (status dispositioned, closed_at set, scored), so nothing dispatches, scores
 * or reports them, and ingest never merges a new event into one (it merges only into an open lead
 * of the same number). Their numbers, +480 and eight digits, are not Polish numbers (no Polish
 * number starts with 0), so no real or test event can carry one. No attempts are invented: the
 * staffing advice takes the handle time from the dialer profile until real contacts exist.
 */
export async function seedDemoHistory(
  sql: SqlQueryable,
  options: { tenantId: string; now: Date; weeks?: number },
): Promise<{ leads: number }> {
  const [campaign] = await sql.query<{ id: string; time_zone: string }>(
    'SELECT id::text, time_zone FROM campaign WHERE tenant_id = $1 AND slug = $2',
    [options.tenantId, DEMO.campaign],
  );
  if (!campaign) return { leads: 0 };
  const today = DateTime.fromJSDate(options.now, { zone: campaign.time_zone }).startOf('day');
  const [older] = await sql.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM lead WHERE tenant_id = $1 AND campaign_id = $2 AND received_at < $3) AS found',
    [options.tenantId, campaign.id, today.toJSDate().toISOString()],
  );
  if (older?.found) return { leads: 0 };
  const arrivals = demoArrivals(today, options.weeks ?? DEMO_HISTORY_WEEKS);
  await sql.query(
    `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, score, received_at, last_intent_at,
                       closed_at, updated_at)
     SELECT $1, $2, '+480' || lpad(s.n::text, 8, '0'), 'dispositioned', 50, s.at, s.at,
            s.at + interval '10 minutes', s.at + interval '10 minutes'
       FROM unnest($3::timestamptz[]) WITH ORDINALITY AS s(at, n)`,
    [options.tenantId, campaign.id, arrivals.map((at) => new Date(at).toISOString())],
  );
  return { leads: arrivals.length };
}
