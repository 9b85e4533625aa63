import { describe, expect, it } from 'vitest';
import { safeError, scrubMessage } from './safe-error.ts';

describe('scrubMessage', () => {
  it('takes out a value PostgreSQL echoes in quotes, even one holding quotes and newlines', () => {
    expect(scrubMessage('date/time field value out of range: "0000-01-01T00:00:00Z"')).toBe(
      'date/time field value out of range: "…"',
    );
    const json = 'invalid input syntax for type json: "{"name":"Jan\nKowalski","phone":"+48601234567"}"';
    expect(scrubMessage(json)).toBe('invalid input syntax for type json: "…"');
    expect(scrubMessage('time zone "US/Pacific-New" not recognized')).toBe('time zone "…" not recognized');
  });

  it('takes out phone numbers, long numbers and e-mail addresses outside quotes, but keeps ids', () => {
    const id = '550e8400-e29b-41d4-a716-446655440000';
    const scrubbed = scrubMessage(
      `lead ${id}: +48 601 234 567, (601) 234-567, 48601234567, jan.kowalski@example.com, Key (phone)=(x) exists`,
    );
    expect(scrubbed).toBe(`lead ${id}: [digits], [digits], [digits], [email], Key (phone)=(…) exists`);
    expect(
      scrubMessage('connect ECONNREFUSED 127.0.0.1:5432; 601.234.567, +48.601.234.567, host 10.0.12.7'),
    ).toBe('connect ECONNREFUSED 127.0.0.1:5432; [digits], [digits], host 10.0.12.7');
  });

  it('bounds what it keeps, and drops a quote left open by the cut', () => {
    const long = `bad value: "${'+48601234567 Jan '.repeat(2_000)}"`;
    const scrubbed = scrubMessage(long);
    expect(scrubbed).toBe('bad value: "…');
    expect(scrubMessage('x'.repeat(5_000))).toHaveLength(500);
  });
});

describe('safeError', () => {
  it('keeps codes and SQL names, and nothing else a driver hangs on the error', () => {
    const error = Object.assign(
      new Error('duplicate key value violates unique constraint "lead_phone_key"'),
      {
        name: 'error',
        code: '23505',
        severity: 'ERROR',
        table: 'lead',
        constraint: 'lead_phone_key',
        detail: 'Key (phone)=(+48601234567) already exists.',
        where: "unnamed portal parameter $2 = '...'",
        query: 'INSERT INTO lead (phone) VALUES ($1)',
        params: ['+48601234567'],
        internalQuery: 'SELECT 1',
        // A free-text value in an allowed field is refused too: only code-like strings pass.
        column: 'Jan Kowalski +48601234567',
      },
    );
    const safe = safeError(error);
    expect(safe).toMatchObject({
      type: 'Error',
      name: 'error',
      code: '23505',
      severity: 'ERROR',
      table: 'lead',
      constraint: 'lead_phone_key',
      message: 'duplicate key value violates unique constraint "…"',
    });
    expect(safe.stack).toMatch(/^error: duplicate key value violates unique constraint "…"\n\s+at /);
    expect(Object.keys(safe).sort()).toEqual(
      ['code', 'constraint', 'message', 'name', 'severity', 'stack', 'table', 'type'].sort(),
    );
    expect(JSON.stringify(safe)).not.toMatch(/601234567|Kowalski|INSERT|portal/);
  });

  it('follows causes and aggregated errors, and turns anything thrown into a safe message', () => {
    const inner = Object.assign(new Error('value "+48601234567" refused'), { params: ['+48601234567'] });
    const outer = new AggregateError([inner], 'all failed', { cause: inner });
    const safe = safeError(outer);
    expect(safe.cause?.message).toBe('value "…" refused');
    expect(safe.errors?.[0]?.message).toBe('value "…" refused');
    expect(JSON.stringify(safe)).not.toContain('601234567');
    expect(safeError('phone +48601234567 is bad')).toEqual({
      type: 'string',
      message: 'phone [digits] is bad',
    });
    expect(safeError(safe)).toBe(safe);
  });
});
