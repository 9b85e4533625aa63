import { describe, expect, it } from 'vitest';
import { chooseDisposition } from './demo-bots.ts';
import { agentUpdate } from './testing/gateway-harness.ts';

const lead = (amount: number | null) => {
  const update = agentUpdate({ id: 'a', tenantId: 't' }, 1, 'connected');
  if (!update.attempt) throw new Error('no attempt');
  return { ...update.attempt.lead, amount };
};
const now = new Date('2026-11-24T10:00:00.000Z');
const rolls =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0;

describe('chooseDisposition', () => {
  it('sells for roughly the amount the person asked for, in their currency', () => {
    expect(chooseDisposition(rolls(0.1, 0), lead(20_000), now)).toEqual({
      code: 'sale',
      value: 12_000,
      currency: 'PLN',
    });
    expect(chooseDisposition(rolls(0.1, 0.99), lead(20_000), now)).toEqual({
      code: 'sale',
      value: 19_900,
      currency: 'PLN',
    });
    expect(chooseDisposition(rolls(0.1, 0.5), lead(null), now).value).toBe(8_000);
  });

  it('is mostly not interested, sometimes a callback in two hours, sometimes something else', () => {
    expect(chooseDisposition(rolls(0.3), lead(1), now)).toEqual({ code: 'not_interested' });
    expect(chooseDisposition(rolls(0.7), lead(1), now)).toEqual({
      code: 'callback',
      callbackAt: '2026-11-24T12:00:00.000Z',
    });
    expect(chooseDisposition(rolls(0.9), lead(1), now)).toEqual({ code: 'other' });
  });
});
