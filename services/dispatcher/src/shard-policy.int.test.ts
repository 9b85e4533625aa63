import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings.ts';
import { agentShard, SHARD_COUNT } from './shard-leases.ts';
import { type DispatchFixture, dispatchFixture } from './testing/dispatch-fixture.ts';

const LEASE_MS = DEFAULT_SETTINGS.leaseMs;

let fixture: DispatchFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** An agent id in the given shard: its last byte is the shard number. */
const idInShard = (shard: number) => `${randomUUID().slice(0, -2)}${shard.toString(16).padStart(2, '0')}`;

/**
 * Two dispatcher instances on one PostgreSQL database and one fake clock, their leases settled so
 * each holds half the shards, and the shards each holds.
 */
async function twoInstances() {
  const run = await dispatchFixture();
  fixture = run;
  const holders = async () =>
    run.db.sql.query<{ shard: number; holder: string | null }>(
      `SELECT shard, holder FROM dispatch_shard WHERE shard < $1 ORDER BY shard`,
      [SHARD_COUNT],
    );
  const a = await run.start();
  await a.runOnce();
  // Alone, a holds every shard: that names it in the lease rows.
  const aId = (await holders())[0]?.holder;
  const b = await run.start();
  await b.runOnce();
  run.advance(LEASE_MS / 5 / 1_000);
  await a.runOnce();
  await b.runOnce();
  const rows = await holders();
  const shardsOf = (mine: boolean) =>
    rows.filter((row) => row.holder !== null && (row.holder === aId) === mine).map((row) => row.shard);
  const aShards = shardsOf(true);
  const bShards = shardsOf(false);
  expect([aShards.length, bShards.length]).toEqual([SHARD_COUNT / 2, SHARD_COUNT / 2]);
  expect([a.shardsHeld(), b.shardsHeld()]).toEqual([SHARD_COUNT / 2, SHARD_COUNT / 2]);
  const bId = rows.find((row) => row.holder !== aId)?.holder as string;

  /** A free agent of the fixture's tenant whose id falls in `shard`. */
  async function addAgentIn(shard: number, name: string, groups: string[]) {
    const agent = await run.db.prisma.agent.create({
      data: {
        id: idInShard(shard),
        tenantId: run.tenant.id,
        username: `${name}-${randomUUID().slice(0, 6)}`,
        displayName: name,
        passwordHash: 'not-used',
        groups,
        state: 'available',
        stateSince: run.now(),
      },
    });
    expect(agentShard(agent.id)).toBe(shard);
    return agent.id;
  }
  return { run, a, b, aId, bId, aShards, bShards, addAgentIn };
}

// Instances lease shards on PostgreSQL only (the embedded database has one process, which holds them
// all): this runs when DATABASE_URL names a server, as in CI's second pass.
describe.runIf(Boolean(process.env.DATABASE_URL))(
  'dispatcher instances sharing the agents decide as one dispatcher would',
  () => {
    it('a lead near its SLA waits for the primary agent on the other instance instead of overflowing to a backup agent', async () => {
      const { run, a, b, aShards, bShards, addAgentIn } = await twoInstances();
      // The campaign's groups are sales (primary), then backup; it overflows below 120 s of slack.
      const backup = await addAgentIn(aShards[0] as number, 'backup', ['backup']);
      run.advance(1);
      const primary = await addAgentIn(bShards[0] as number, 'primary', ['sales']);
      const leadId = await run.addLead({ phone: '+48601000101', dueInSeconds: 60 });

      // Instance a has only the backup agent; the policy still sees the primary one free.
      expect(await a.runOnce()).toBe(0);
      expect(await run.held(backup)).toBeUndefined();
      expect((await run.agent(backup)).state).toBe('available');

      expect(await b.runOnce()).toBe(1);
      expect((await run.held(primary))?.leadId).toBe(leadId);
      const offered = (await run.lead(leadId)).history.find((entry) => entry.type === 'offered');
      expect(offered?.detail).toMatchObject({ agentId: primary, group: 'sales', overflow: false });
    });

    it('a lead the agent just missed goes to another free agent on the other instance, not back to them', async () => {
      const { run, a, b, aShards, bShards, addAgentIn } = await twoInstances();
      const other = await addAgentIn(bShards[1] as number, 'other', ['sales']);
      run.advance(5);
      const missed = await addAgentIn(aShards[1] as number, 'missed', ['sales']);
      const leadId = await run.addLead({ phone: '+48601000102', dueInSeconds: 200 });
      // The missing agent's offer timed out just now: the lead is queued again, the agent free.
      const at = run.now().toISOString();
      await run.db.sql.query(
        `INSERT INTO attempt (lead_id, agent_id, campaign_id, agent_group, stage, queued_at, offered_at,
                            offer_expires_at, ended_at, released_at, outcome, end_reason)
       VALUES ($1, $2, $3, 'sales', 'ended', $4, $4, $4, $4, $4, 'agent_missed', 'offer_timeout')`,
        [leadId, missed, run.campaign.id, at],
      );
      await run.db.sql.query('UPDATE agent SET missed_offers = 1 WHERE id = $1', [missed]);

      expect(await a.runOnce()).toBe(0);
      expect(await run.held(missed)).toBeUndefined();

      expect(await b.runOnce()).toBe(1);
      expect((await run.held(other))?.leadId).toBe(leadId);
    });

    it("an agent of a dead instance's shard is not waited for once its lease has run out: the live instance offers to its own agent", async () => {
      const { run, a, aShards, bShards, bId, addAgentIn } = await twoInstances();
      // The dead instance's agent has been idle longer: while its instance lives, the lead is its own.
      const stranded = await addAgentIn(bShards[2] as number, 'stranded', ['sales']);
      run.advance(5);
      const own = await addAgentIn(aShards[2] as number, 'own', ['sales']);
      const leadId = await run.addLead({ phone: '+48601000103', dueInSeconds: 200 });

      // b stops renewing (killed). Just before its lease ends, a leaves the lead to b's agent.
      run.advance((LEASE_MS - 1_000) / 1_000 - 5);
      expect(await a.runOnce()).toBe(0);
      expect(await run.held(own)).toBeUndefined();

      // Its lease has run out; a has not renewed since, so the shard is still b's, expired.
      run.advance(1.5);
      const [row] = await run.db.sql.query<{ holder: string; expired: boolean }>(
        'SELECT holder, expires_at <= $2 AS expired FROM dispatch_shard WHERE shard = $1',
        [bShards[2], run.now().toISOString()],
      );
      expect(row).toEqual({ holder: bId, expired: true });
      expect(await a.runOnce()).toBe(1);
      expect((await run.held(own))?.leadId).toBe(leadId);
      expect((await run.agent(stranded)).state).toBe('available');
    });

    it('an agent whose lead was taken first does not take, as overflow, a lead the policy gave a primary agent of the other instance', async () => {
      const { run, a, b, aShards, bShards, addAgentIn } = await twoInstances();
      const primary = await addAgentIn(bShards[3] as number, 'primary', ['sales']);
      const backup = await addAgentIn(aShards[3] as number, 'backup', ['backup']);
      // Both near their SLA: the first to the primary agent, the second overflows to the backup one.
      const first = await run.addLead({ phone: '+48601000104', dueInSeconds: 30 });
      const second = await run.addLead({ phone: '+48601000105', dueInSeconds: 60 });

      // Another offer holds the second lead while a decides: a's backup agent loses it.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const lock = run.db.sql.transaction(async (tx) => {
        await tx.query('SELECT id FROM lead WHERE id = $1 FOR UPDATE', [second]);
        locked();
        await held;
      });
      try {
        await lockTaken;
        expect(await a.runOnce()).toBe(0);
      } finally {
        release();
        await lock;
      }
      expect(await run.held(backup)).toBeUndefined();

      expect(await b.runOnce()).toBe(1);
      expect((await run.held(primary))?.leadId).toBe(first);
      expect((await run.lead(second)).status).toBe('queued');
    });
  },
);
