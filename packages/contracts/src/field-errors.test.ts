import { describe, expect, it } from 'vitest';
import { compileValidator } from './compile-validator.ts';
import { IntentEvent } from './intent-event.ts';
import { INTENT_EVENT_EXAMPLE } from './intent-event-example.ts';

const validator = compileValidator(IntentEvent);

const good = { ...INTENT_EVENT_EXAMPLE, context: { ...INTENT_EVENT_EXAMPLE.context, abTest: 'b' } };

describe('intake event validation', () => {
  it('accepts the example event from the design, as published in the API docs', () => {
    expect(validator.validate(INTENT_EVENT_EXAMPLE).ok).toBe(true);
    expect(validator.validate(good).ok).toBe(true);
  });

  it('names every bad field, each once, in the dotted form a client writes', () => {
    const result = validator.validate({
      ...good,
      eventId: 'has spaces',
      occurredAt: 'yesterday',
      person: { name: 'Jan', phoen: '+48' },
      offer: { ...good.offer, eligibility: 'maybe' },
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = Object.fromEntries(result.errors.map((error) => [error.field, error.detail]));
    expect(fields).toEqual({
      eventId: expect.stringContaining('pattern'),
      occurredAt: expect.stringContaining('date-time'),
      'person.phone': 'is required',
      'person.phoen': 'is not a known field',
      'offer.eligibility': 'must be one of: "pre_approved", "approved", "checked"',
      extra: 'is not a known field',
    });
    expect(result.errors.find((error) => error.field === 'person.phone')?.pointer).toBe('/person/phone');
  });

  it('reports a missing consent block rather than assuming consent', () => {
    const { consent: _consent, ...withoutConsent } = good;
    const result = validator.validate(withoutConsent);
    expect(result.ok ? [] : result.errors.map((error) => error.field)).toEqual(['consent']);
  });
});
