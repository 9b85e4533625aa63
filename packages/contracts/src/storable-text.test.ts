import { describe, expect, it } from 'vitest';
import { isStorableDateTime } from './date-time-format.ts';
import { EventBatchRequest } from './event-batch.ts';
import { findUnstorable, MAX_JSON_DEPTH } from './storable-text.ts';

describe('findUnstorable', () => {
  it('names each string and key holding a NUL or a lone surrogate, and takes surrogate pairs', () => {
    const errors = findUnstorable({ a: 'x\u0000', b: ['ok', '\ud800'], 'c\udc00': 1, d: '😀' });
    expect(errors.map((error) => error.field).sort()).toEqual(['a', 'b.1', 'c\udc00']);
    expect(errors.find((error) => error.field === 'b.1')?.pointer).toBe('/b/1');
  });

  it('stops at MAX_JSON_DEPTH without recursing, whatever the depth', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 200_000; level += 1) deep = [deep];
    const [error] = findUnstorable({ deep });
    expect(error?.pointer).toBe(`/deep${'/0'.repeat(MAX_JSON_DEPTH - 1)}`);
  });

  it('leaves the parts a route checks item by item (a batch) to that route', () => {
    expect(findUnstorable({ events: [{ name: 'x\u0000' }] }, EventBatchRequest as never)).toEqual([]);
    expect(findUnstorable({ events: [], 'x\u0000': 1 }, EventBatchRequest as never)).toHaveLength(1);
  });
});

describe('isStorableDateTime', () => {
  it('takes what PostgreSQL and Date both take as the same instant', () => {
    expect(isStorableDateTime('2026-03-29T10:00:00.123+14:00')).toBe(true);
    expect(isStorableDateTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isStorableDateTime('9999-12-31T23:59:59.999Z')).toBe(true);
    for (const refused of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '2026-03-29T10:00:00+23:59',
      '2026-03-29T10:00:00+14:01',
      '9999-12-31T23:59:60Z',
      '2026-02-30T00:00:00Z',
      '2026-03-29T10:00:00Z[Europe/Warsaw]',
      '2026-03-29 10:00:00Z',
    ])
      expect(isStorableDateTime(refused), refused).toBe(false);
  });
});
