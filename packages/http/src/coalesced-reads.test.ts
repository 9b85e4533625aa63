import { describe, expect, it } from 'vitest';
import { coalescedReads } from './coalesced-reads.ts';

/** A table of keys read the way the database is: each query sees the rows as they are when it runs, and answers later. */
function table(rows: Record<string, string>) {
  const queries: string[][] = [];
  const pending: Array<() => void> = [];
  const readMany = (ids: readonly string[]) => {
    queries.push([...ids]);
    const seen = new Map(ids.filter((id) => id in rows).map((id) => [id, rows[id] as string]));
    return new Promise<ReadonlyMap<string, string>>((resolve) => pending.push(() => resolve(seen)));
  };
  /** Answers the queries in flight, and those they lead to, until none is left. */
  const answerAll = async () => {
    for (let turn = 0; turn < 100; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = pending.shift();
      if (!next) return;
      next();
    }
  };
  return { rows, queries, readMany, answerAll };
}

describe('coalescedReads', () => {
  it('answers 32 requests for three keys with two queries, each with its own key', async () => {
    const db = table({ a: 'A', b: 'B', c: 'C' });
    const read = coalescedReads(db.readMany);
    const ids = Array.from({ length: 32 }, (_, n) => ['a', 'b', 'c', 'gone'][n % 4] as string);
    const answers = Promise.all(ids.map((id) => read(id)));
    await db.answerAll();
    expect(await answers).toEqual(ids.map((id) => ({ a: 'A', b: 'B', c: 'C' })[id] ?? null));
    // The first request's query starts at once; the 31 asked meanwhile share the next one.
    expect(db.queries).toEqual([['a'], ['b', 'c', 'gone', 'a']]);
  });

  it('never answers a request from a query that started before it was made: a revocation holds at once', async () => {
    const db = table({ key: 'secret' });
    const read = coalescedReads(db.readMany);
    const before = read('key');
    // The key is revoked while that query is in flight; a request made now must not see the key.
    delete db.rows.key;
    const after = read('key');
    await db.answerAll();
    expect(await before).toBe('secret');
    expect(await after).toBeNull();
    expect(db.queries).toHaveLength(2);
  });

  it('fails the requests of a failed query only; those waiting meanwhile get a query of their own', async () => {
    let calls = 0;
    const read = coalescedReads(async (ids) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return new Map(ids.map((id) => [id, id.toUpperCase()]));
    });
    const [first, second] = await Promise.allSettled([read('a'), read('b')]);
    expect(first).toEqual({ status: 'rejected', reason: new Error('connection lost') });
    expect(second).toEqual({ status: 'fulfilled', value: 'B' });
    expect(await read('a')).toBe('A');
  });
});
