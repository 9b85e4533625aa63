import { describe, expect, it } from 'vitest';
import { numberSuppression } from './classify-number.ts';

describe('numbers that must not be dialled', () => {
  it('lets a Polish mobile and a Warsaw landline through', () => {
    expect(numberSuppression('+48601234567')).toBeNull();
    expect(numberSuppression('+48221234567')).toBeNull();
  });

  it('suppresses a premium-rate number', () => {
    // Polish 70x numbers are premium-rate services.
    expect(numberSuppression('+48701234567')).toEqual({
      reason: 'invalid_number',
      detail: 'the number is a premium-rate line',
    });
  });

  it('suppresses a UK premium-rate 09 number', () => {
    expect(numberSuppression('+449098790000')?.detail).toContain('premium-rate');
  });

  it('suppresses a number of the right length in an unassigned range', () => {
    expect(numberSuppression('+48101234567')?.reason).toBe('invalid_number');
  });
});
