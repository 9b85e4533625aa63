import { describe, expect, it } from 'vitest';
import { compileValidator } from './compile-validator.ts';
import { knownLeadEvent, LeadEventV1 } from './lead-event-message.ts';

const validator = compileValidator(LeadEventV1.schema);

const message = (event: string, detail: Record<string, unknown>) => ({
  type: 'lead.event',
  version: 1,
  id: 'm-1',
  occurredAt: '2026-12-01T10:00:00.000Z',
  key: 'lead-1',
  payload: {
    leadId: 'lead-1',
    tenantId: 'tenant-1',
    campaignId: 'campaign-1',
    leadVersion: 3,
    event,
    at: '2026-12-01T10:00:00.000Z',
    status: 'queued',
    detail,
  },
});

describe('lead.event v1', () => {
  it('accepts each known fact with its typed detail, and types it by its name', () => {
    const checked = validator.validate(
      message('queued', {
        zone: 'Europe/Paris',
        clock: 'business_hours',
        anchorAt: '2026-12-01T10:00:00.000Z',
        dueAt: '2026-12-01T10:05:00.000Z',
      }),
    );
    expect(checked.ok).toBe(true);
    const known = checked.ok ? knownLeadEvent(checked.value.payload) : undefined;
    expect(known?.event === 'queued' ? known.detail.dueAt : null).toBe('2026-12-01T10:05:00.000Z');
  });

  it('refuses a known fact whose detail breaks its type, naming the field', () => {
    const checked = validator.validate(
      message('dialing', { attemptId: 'a-1', agentId: 'g-1', attemptNumber: 'one' }),
    );
    expect(checked.ok).toBe(false);
  });

  it('reads a message of the old shape: a detail lacking fields, or with fields this version does not know', () => {
    expect(validator.validate(message('queued', { anchorAt: '2026-12-01T10:00:00.000Z' })).ok).toBe(true);
    const checked = validator.validate(
      message('offered', { agentId: 'g-1', group: 'sales', laterField: { any: 'thing' } }),
    );
    expect(checked.ok).toBe(true);
  });

  it('passes by a fact a newer producer named, with any detail', () => {
    const checked = validator.validate(message('transferred', { to: 'someone', n: 3 }));
    expect(checked.ok).toBe(true);
    expect(checked.ok ? knownLeadEvent(checked.value.payload) : 'invalid').toBeUndefined();
  });
});
