import { describe, expect, it } from 'vitest';
import { DEFAULT_DIALER_PROFILE, resolveProfile } from './dialer-profile.ts';

describe('resolveProfile', () => {
  it('gives the defaults for an empty or missing profile', () => {
    expect(resolveProfile({})).toEqual(DEFAULT_DIALER_PROFILE);
    expect(resolveProfile(null)).toEqual(DEFAULT_DIALER_PROFILE);
    expect(resolveProfile(undefined)).toEqual(DEFAULT_DIALER_PROFILE);
  });

  it('fills what a campaign leaves out from the defaults', () => {
    const profile = resolveProfile({
      talkMs: [30_000, 90_000],
      rates: { answered: 0.5, no_answer: 0.2 },
    });
    expect(profile).toEqual({
      ...DEFAULT_DIALER_PROFILE,
      talkMs: [30_000, 90_000],
      rates: { answered: 0.5, no_answer: 0.2, busy: 0.05, voicemail: 0.2, failed: 0.05 },
    });
  });

  it('accepts no post-dial delay and no machine detection time', () => {
    expect(resolveProfile({ postDialDelayMs: 0, machineDetectionMs: 0 })).toEqual({
      ...DEFAULT_DIALER_PROFILE,
      postDialDelayMs: 0,
      machineDetectionMs: 0,
    });
  });

  it('accepts rates whose decimal sum is 1 only up to rounding', () => {
    const rates = { answered: 0.1, no_answer: 0.2, busy: 0.3, voicemail: 0.3, failed: 0.1 };
    expect(resolveProfile({ rates }).rates).toEqual(rates);
  });

  it('refuses rates that do not sum to 1, naming the field and showing the sum', () => {
    expect(() => resolveProfile({ rates: { answered: 0.6 } })).toThrow(
      'dialer profile: rates must sum to 1, got 1.25 (answered 0.6 + no_answer 0.35 + busy 0.05 + voicemail 0.2 + failed 0.05; missing rates take the defaults)',
    );
  });

  it.each([
    [{ rates: { busy: -0.1 } }, 'rates.busy must be a number from 0 to 1 (got -0.1)'],
    [{ rates: { answred: 0.35 } }, 'unknown rate rates.answred'],
    [{ rates: [0.35] }, 'rates must be an object'],
    [{ talkMs: [90_000, 30_000] }, 'talkMs must be [min, max] milliseconds with 0 <= min <= max'],
    [{ agentRingMs: 2_000 }, 'agentRingMs must be [min, max]'],
    [{ personRingMs: [5_000, '20s'] }, 'personRingMs must be [min, max]'],
    [{ noAnswerTimeoutMs: 0 }, 'noAnswerTimeoutMs must be a positive number of milliseconds (got 0)'],
    [{ postDialDelayMs: -1 }, 'postDialDelayMs must be a number of milliseconds, 0 or more (got -1)'],
    [
      { machineDetectionMs: '5s' },
      'machineDetectionMs must be a number of milliseconds, 0 or more (got "5s")',
    ],
    [{ answerRate: 0.5 }, 'unknown field answerRate'],
    ['answered', 'dialer profile: must be a JSON object'],
  ])('refuses %j, naming the field', (profile, message) => {
    expect(() => resolveProfile(profile)).toThrow(message);
  });
});
