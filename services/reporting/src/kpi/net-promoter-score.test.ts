import { describe, expect, it } from 'vitest';
import { netPromoterScore } from './net-promoter-score.ts';

describe('NPS', () => {
  it('is % promoters minus % detractors, and null with no answers', () => {
    expect(netPromoterScore(5, 3, 10)).toBe(20);
    expect(netPromoterScore(0, 4, 4)).toBe(-100);
    expect(netPromoterScore(0, 0, 0)).toBeNull();
  });
});
