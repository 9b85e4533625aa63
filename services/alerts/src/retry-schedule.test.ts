import { describe, expect, it } from 'vitest';
import { GIVE_UP_AFTER_MS, nextAttemptAt } from './retry-schedule.ts';

describe('the retry schedule of an alert', () => {
  const created = new Date('2026-03-30T08:00:00Z');

  it('waits 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, then 2 h between tries', () => {
    let at = created;
    const waits: number[] = [];
    for (let attempts = 1; attempts <= 9; attempts++) {
      const next = nextAttemptAt(created, attempts, at) as Date;
      waits.push((next.getTime() - at.getTime()) / 1000);
      at = next;
    }
    expect(waits).toEqual([10, 30, 120, 600, 1_800, 3_600, 7_200, 7_200, 7_200]);
  });

  it('gives up rather than try more than a day after the alert', () => {
    const late = new Date(created.getTime() + GIVE_UP_AFTER_MS - 3_600_000);
    expect(nextAttemptAt(created, 12, late)).toBeNull();
    expect(nextAttemptAt(created, 1, late)).toEqual(new Date(late.getTime() + 10_000));
  });
});
