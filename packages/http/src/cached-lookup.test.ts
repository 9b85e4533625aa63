import { describe, expect, it } from 'vitest';
import { createCachedLookup } from './cached-lookup.ts';

describe('createCachedLookup', () => {
  function setup(results: Record<string, string | null | Error>) {
    const clock = { ms: 0 };
    const loads: string[] = [];
    const lookup = createCachedLookup<string>({
      load: async (key) => {
        loads.push(key);
        const result = results[key];
        if (result instanceof Error) throw result;
        return result ?? null;
      },
      now: () => clock.ms,
      ttlMs: 30_000,
      missTtlMs: 5_000,
      maxEntries: 3,
    });
    return { clock, loads, lookup };
  }

  it('loads once for concurrent requests and keeps a found value for its lifetime', async () => {
    const { clock, loads, lookup } = setup({ a: 'A' });
    expect(await Promise.all([lookup('a'), lookup('a')])).toEqual(['A', 'A']);
    clock.ms = 29_999;
    await lookup('a');
    expect(loads).toEqual(['a']);
    clock.ms = 30_000;
    await lookup('a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('remembers "not found" only briefly, and a failure not at all', async () => {
    const { clock, loads, lookup } = setup({ gone: null, broken: new Error('db down') });
    expect(await lookup('gone')).toBeNull();
    await expect(lookup('broken')).rejects.toThrow('db down');
    clock.ms = 4_999;
    await lookup('gone');
    await expect(lookup('broken')).rejects.toThrow('db down');
    clock.ms = 5_000;
    await lookup('gone');
    expect(loads).toEqual(['gone', 'broken', 'broken', 'gone']);
  });

  it('stays bounded however many different keys callers send', async () => {
    const { loads, lookup } = setup({});
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k1']) await lookup(key);
    expect(loads).toEqual(['k1', 'k2', 'k3', 'k4', 'k1']);
  });
});
