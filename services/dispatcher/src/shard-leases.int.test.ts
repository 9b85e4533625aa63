import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { agentShard, createShardLeases, SHARD_COUNT, type ShardLeases } from './shard-leases.ts';

const LEASE_MS = 10_000;

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** Leases of several instances on one database, all on one fake clock. */
async function instances(names: string[]) {
  db = await openTestDatabase();
  const clock = { ms: Date.parse('2026-12-07T08:00:00Z') };
  const now = () => new Date(clock.ms);
  const database = db;
  const leases = new Map<string, ShardLeases>(
    names.map((name) => [
      name,
      createShardLeases({ db: database, instanceId: name, now, leaseMs: LEASE_MS }),
    ]),
  );
  const at = (name: string) => leases.get(name) as ShardLeases;
  /** Every instance's shards (null: all of them) after each renews, in the order given. */
  const renewAll = async (which = names) => {
    const held = new Map<string, readonly number[]>();
    for (const name of which) {
      const shards = await at(name).current();
      held.set(name, shards ?? Array.from({ length: SHARD_COUNT }, (_, n) => n));
    }
    return held;
  };
  return { clock, at, renewAll, advance: (ms: number) => (clock.ms += ms) };
}

/** No shard held by two instances, and how many each holds. */
function counts(held: Map<string, readonly number[]>) {
  const all = [...held.values()].flat();
  expect(new Set(all).size).toBe(all.length);
  return [...held.values()].map((shards) => shards.length);
}

describe('agent shard leases (fake clock)', () => {
  it('one instance holds every shard: it dispatches for every agent, as a single dispatcher always did', async () => {
    const run = await instances(['a']);
    expect(await run.at('a').current()).toBeNull();
    expect(run.at('a').heldCount()).toBe(SHARD_COUNT);
  });

  it('instances share the shards fairly once each has renewed twice, and never hold one shard together', async () => {
    const run = await instances(['a', 'b', 'c']);
    // a starts alone and takes everything; b and c join.
    expect(counts(await run.renewAll(['a']))).toEqual([SHARD_COUNT]);
    run.advance(LEASE_MS / 5);
    counts(await run.renewAll());
    run.advance(LEASE_MS / 5);
    counts(await run.renewAll());
    run.advance(LEASE_MS / 5);
    const held = counts(await run.renewAll());
    expect(held.reduce((a, b) => a + b, 0)).toBe(SHARD_COUNT);
    for (const count of held) expect(count).toBeGreaterThanOrEqual(10);
    for (const count of held) expect(count).toBeLessThanOrEqual(11);
  });

  it('an instance short of its share takes what another gives back at its next look, not a fifth of the lease later', async () => {
    const run = await instances(['a', 'b']);
    expect(await run.at('a').current()).toBeNull();
    // b joins halfway to a's next renewal, while a holds every shard: it holds none until a gives half back.
    run.advance(LEASE_MS / 10);
    expect(await run.at('b').current()).toEqual([]);
    run.advance(LEASE_MS / 10);
    expect(await run.at('a').current()).toHaveLength(SHARD_COUNT / 2);
    // No time passes: b's very next look takes the half a gave back, before its own renewal is due.
    expect(await run.at('b').current()).toHaveLength(SHARD_COUNT / 2);
    // Once it holds its share it renews on the usual interval again: its leases' expiry stays put.
    const expiries = () =>
      (db as TestDatabase).sql.query<{ expires_at: Date }>(
        `SELECT expires_at FROM dispatch_shard WHERE holder = 'b' ORDER BY shard`,
      );
    const before = await expiries();
    run.advance(1);
    expect(await run.at('b').current()).toHaveLength(SHARD_COUNT / 2);
    expect(await expiries()).toEqual(before);
    expect(run.at('a').heldCount() + run.at('b').heldCount()).toBe(SHARD_COUNT);
  });

  it("a dead instance's shards are taken over within the lease plus a fifth of it, not before it ends", async () => {
    const run = await instances(['a', 'b', 'c']);
    for (let round = 0; round < 4; round++) {
      counts(await run.renewAll());
      run.advance(LEASE_MS / 5);
    }
    const before = await run.renewAll();
    const deadShards = before.get('c') as readonly number[];
    expect(deadShards.length).toBeGreaterThan(0);
    // c stops renewing (kill -9): until its lease runs out nobody else dispatches for its agents.
    let elapsed = 0;
    while (elapsed + LEASE_MS / 5 < LEASE_MS) {
      run.advance(LEASE_MS / 5);
      elapsed += LEASE_MS / 5;
      const held = await run.renewAll(['a', 'b']);
      for (const shard of deadShards) expect([...held.values()].flat()).not.toContain(shard);
    }
    // Within the lease plus one renewal interval, a and b hold all of them between them.
    run.advance(LEASE_MS - elapsed + LEASE_MS / 5);
    const after = await run.renewAll(['a', 'b']);
    expect(counts(after).reduce((a, b) => a + b, 0)).toBe(SHARD_COUNT);
  });

  it('an instance that stops gives its shards back at once: the others take them at their next renewal', async () => {
    const run = await instances(['a', 'b']);
    for (let round = 0; round < 3; round++) {
      counts(await run.renewAll());
      run.advance(LEASE_MS / 5);
    }
    expect(run.at('b').heldCount()).toBe(SHARD_COUNT / 2);
    await run.at('b').release();
    run.advance(LEASE_MS / 5);
    expect(await run.at('a').current()).toBeNull();
  });

  it('an instance whose lease ran out without a renewal dispatches for nobody until it renews', async () => {
    const run = await instances(['a', 'b']);
    for (let round = 0; round < 3; round++) {
      counts(await run.renewAll());
      run.advance(LEASE_MS / 5);
    }
    // b was paused (a long garbage collection, a lost connection) past its lease; a took its shards.
    run.advance(LEASE_MS);
    expect(await run.at('a').current()).toBeNull();
    expect(await run.at('b').current()).toEqual([]);
  });

  it('agents are spread over the shards by their id, the same in SQL as in the code', async () => {
    const run = await instances(['a']);
    await run.at('a').current();
    const rows = await (db as TestDatabase).sql.query<{ id: string; shard: number }>(
      `SELECT id::text AS id, get_byte(uuid_send(id), 15) % ${SHARD_COUNT} AS shard
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 2000)) g`,
    );
    const sizes = new Array<number>(SHARD_COUNT).fill(0);
    for (const row of rows) {
      expect(agentShard(row.id)).toBe(row.shard);
      sizes[row.shard] = (sizes[row.shard] ?? 0) + 1;
    }
    // 62.5 per shard on average; no shard empty or three times the average.
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThan(190);
  });
});
