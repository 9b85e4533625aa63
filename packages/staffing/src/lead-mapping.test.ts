import { describe, expect, it } from 'vitest';
import { forecastHourly, leadTargetSeconds, reachWithinSla, requiredServiceLevel } from './index.ts';

describe('from a lead SLA to a queue target', () => {
  const mapping = { slaSeconds: 300, dialAllowanceSeconds: 15, answerRate: 0.35, attemptsWithinSla: 3 };

  it('offers a lead by the SLA minus the dial allowance, never before arrival', () => {
    expect(leadTargetSeconds(mapping)).toBe(285);
    expect(leadTargetSeconds({ slaSeconds: 10, dialAllowanceSeconds: 15 })).toBe(0);
  });

  it('caps attainment at the share that answers one of the attempts within the SLA', () => {
    expect(reachWithinSla(mapping)).toBeCloseTo(1 - 0.65 ** 3, 12);
    expect(reachWithinSla({ ...mapping, answerRate: 1, attemptsWithinSla: 1 })).toBe(1);
    expect(reachWithinSla({ ...mapping, attemptsWithinSla: 0 })).toBe(0);
  });

  it('asks the queue for target / reach, or says no staffing can make it', () => {
    const reach = 1 - 0.65 ** 3; // 0.725375
    expect(requiredServiceLevel(0.5, mapping)).toBeCloseTo(0.5 / reach, 12);
    expect(requiredServiceLevel(0.9, mapping)).toBeNull();
    expect(requiredServiceLevel(0.9, { ...mapping, answerRate: 1 })).toBe(0.9);
  });

  it('throws a RangeError naming the field', () => {
    expect(() => leadTargetSeconds({ slaSeconds: -1, dialAllowanceSeconds: 0 })).toThrow(/^slaSeconds/);
    expect(() => reachWithinSla({ ...mapping, answerRate: 1.2 })).toThrow(/^answerRate/);
    expect(() => reachWithinSla({ ...mapping, attemptsWithinSla: 1.5 })).toThrow(/^attemptsWithinSla/);
    expect(() => requiredServiceLevel(1, mapping)).toThrow(/^target/);
  });
});

describe('forecastHourly', () => {
  it('averages the same hour over the weeks given', () => {
    const week = (value: number, at: number) => Array.from({ length: 24 }, (_, h) => (h === at ? value : 0));
    const forecast = forecastHourly([week(10, 9), week(20, 9), week(6, 10)]);
    expect(forecast).toHaveLength(24);
    expect(forecast[9]).toBe(10);
    expect(forecast[10]).toBe(2);
    expect(forecast[0]).toBe(0);
  });

  it('forecasts zeros without history', () => {
    expect(forecastHourly([])).toEqual(new Array(24).fill(0));
  });

  it('throws a RangeError naming the week and hour', () => {
    expect(() => forecastHourly([[1, 2, 3]])).toThrow(/^weeks\[0\]/);
    const bad = new Array(24).fill(1);
    bad[5] = -1;
    expect(() => forecastHourly([new Array(24).fill(1), bad])).toThrow(/^weeks\[1\]\[5\]/);
  });
});
