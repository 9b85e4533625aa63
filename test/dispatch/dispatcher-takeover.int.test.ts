import { agentShard } from '@pronto/dispatcher';
import { dispatchFixture } from '@pronto/dispatcher/testing';
import { openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { type ServiceProcess, startService } from '../support/service-process.ts';

// Separate processes share one database: PostgreSQL only (CI's second pass).
const onPostgres = Boolean(process.env.DATABASE_URL);

/** Short here so the run stays short; the default is 10 s (docs/operations.md). */
const LEASE_SECONDS = 3;
/** The documented bound: the lease plus one renewal interval (a fifth of the lease). */
const TAKEOVER_BOUND_MS = LEASE_SECONDS * 1_200;
/** Slack for a machine running three dispatchers and the test on two shared cores. */
const SLACK_MS = 2_000;

interface ShardRow {
  shard: number;
  holder: string | null;
  live: boolean;
}

describe.runIf(onPostgres)('dispatcher instances as processes (PostgreSQL)', () => {
  it('share the agents out, and after one is killed with kill -9 the others take its agents within the lease and a fifth', async () => {
    const db = await openTestDatabase();
    const fixture = await dispatchFixture({ database: db, startAt: new Date().toISOString() });
    const services: ServiceProcess[] = [];
    try {
      for (let n = 0; n < 3; n++)
        services.push(
          await startService({
            name: `dispatcher-${n}`,
            entry: 'services/dispatcher/src/main.ts',
            env: {
              DATABASE_URL: db.url as string,
              BUS: 'in-process',
              PRONTO_DB_POOL_SIZE: '4',
              PRONTO_DISPATCH_LEASE_SECONDS: String(LEASE_SECONDS),
            },
            ready: /"msg":"(dispatching leads|listening)"/,
          }),
        );
      const shards = () =>
        db.sql.query<ShardRow>(
          'SELECT shard, holder, expires_at > now() AS live FROM dispatch_shard ORDER BY shard',
        );
      const holders = (rows: ShardRow[]) => {
        const byHolder = new Map<string, number[]>();
        for (const row of rows)
          if (row.holder && row.live)
            byHolder.set(row.holder, [...(byHolder.get(row.holder) ?? []), row.shard]);
        return byHolder;
      };

      // Three instances settle on 11, 11 and 10 shards.
      await until(async () => {
        const sizes = [...holders(await shards()).values()].map((held) => held.length).sort();
        return sizes.join(',') === '10,11,11';
      }, 30_000);

      // One instance is killed: its shards are nobody's until its lease runs out, then the others'.
      const byHolder = holders(await shards());
      const killed = services[0] as ServiceProcess;
      const killedAt = Date.now();
      await killed.kill9();
      const survivors = new Set<string>();
      await until(async () => {
        const now = holders(await shards());
        survivors.clear();
        for (const [holder, held] of now) if (held.length > 0) survivors.add(holder);
        return survivors.size === 2 && [...now.values()].flat().length === 32;
      }, 30_000);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS + SLACK_MS);
      // Nobody took a live instance's shards: the dead one's went to the two others.
      for (const holder of survivors) expect(byHolder.has(holder)).toBe(true);
      const deadShards = new Set(
        [...byHolder.entries()].filter(([holder]) => !survivors.has(holder)).flatMap(([, held]) => held),
      );
      expect(deadShards.size).toBeGreaterThanOrEqual(10);

      // Agents of the dead instance's shards get their offers from the survivors.
      const agents: string[] = [];
      for (let n = 0; agents.length < 3 && n < 200; n++) {
        const id = await fixture.addAgent(`agent${n}`, ['sales'], 'offline');
        if (deadShards.has(agentShard(id))) agents.push(id);
      }
      const leads: string[] = [];
      for (let n = 0; n < 3; n++)
        leads.push(
          await fixture.addLead({ phone: `+4860100${String(n).padStart(4, '0')}`, dueInSeconds: 280 }),
        );
      await db.sql.query(
        `UPDATE agent SET state = 'available', state_since = now() WHERE id = ANY($1::uuid[])`,
        [agents],
      );
      await until(async () => {
        const [row] = await db.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM attempt WHERE agent_id = ANY($1::uuid[]) AND released_at IS NULL`,
          [agents],
        );
        return row?.n === 3;
      }, 30_000);
      const offered = await db.sql.query<{ lead_id: string }>(
        'SELECT lead_id FROM attempt WHERE agent_id = ANY($1::uuid[])',
        [agents],
      );
      expect(offered.map((row) => row.lead_id).sort()).toEqual([...leads].sort());
    } finally {
      for (const service of services) await service.stop();
      await fixture.close();
      await db.close();
    }
  }, 180_000);
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
