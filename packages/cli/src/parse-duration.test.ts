import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.ts';

describe('parseDuration', () => {
  it('reads bare seconds and each unit', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('3600s')).toBe(3600);
    expect(parseDuration('90m')).toBe(5400);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('1d')).toBe(86_400);
    expect(parseDuration('1w')).toBe(604_800);
  });

  it('refuses what it cannot read, rather than guess', () => {
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('a day')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
