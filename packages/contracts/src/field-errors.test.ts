import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { compileValidator } from './compile-validator.ts';
import { IntentEvent } from './intent-event.ts';
import { INTENT_EVENT_EXAMPLE } from './intent-event-example.ts';
import { LeadEventV1 } from './lead-event-message.ts';

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

describe('errors of large unions (more branches than the eight errors reported)', () => {
  it('names the lead event whose detail fits no form, rather than nothing', () => {
    const id = '5b1d2f8e-6c1a-4c53-9a49-1c7f3e0c2a10';
    const at = '2026-03-29T01:30:00.000Z';
    const result = compileValidator(LeadEventV1.schema).validate({
      type: 'lead.event',
      version: 1,
      id,
      occurredAt: at,
      key: id,
      payload: {
        leadId: id,
        tenantId: id,
        campaignId: id,
        leadVersion: 3,
        event: 'offer_missed',
        at,
        status: 'queued',
        detail: { attemptId: 'a1', agentId: 'g1', why: 'timeout' },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { field: 'payload', pointer: '/payload', detail: 'is not one of the allowed forms' },
    ]);
  });

  it('names a field whose value is none of a dozen literals', () => {
    const colours = Type.Union(
      [
        'red',
        'green',
        'blue',
        'cyan',
        'magenta',
        'yellow',
        'black',
        'white',
        'grey',
        'pink',
        'brown',
        'teal',
      ].map((name) => Type.Literal(name)),
    );
    const result = compileValidator(Type.Object({ colour: colours })).validate({ colour: 'mauve' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.field)).toEqual(['colour']);
  });
});
