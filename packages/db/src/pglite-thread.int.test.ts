import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.ts';
import { type Database, openDatabase, snapshotOf } from './open-database.ts';

const opened: Database[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'pronto-pglite-thread-'));
  folders.push(path);
  return path;
}

async function open(options: Parameters<typeof openDatabase>[0]): Promise<Database> {
  const db = await openDatabase(options);
  opened.push(db);
  return db;
}

/** A tenant, a campaign and a lead, through Prisma; returns what the two kinds of read give back. */
async function sample(db: Database) {
  const tenant = await db.prisma.tenant.create({ data: { slug: 'acme', name: 'Acme Bank' } });
  const campaign = await db.prisma.campaign.create({
    data: {
      tenantId: tenant.id,
      slug: 'cash',
      name: 'Cash',
      timeZone: 'Europe/Warsaw',
      callingWindows: [{ days: [1, 2, 3], from: '09:00', to: '20:00' }],
      agentGroups: ['sales', 'backup'],
    },
  });
  const at = new Date('2026-03-29T00:59:59.123Z');
  const lead = await db.prisma.lead.create({
    data: {
      tenantId: tenant.id,
      campaignId: campaign.id,
      phoneE164: '+48601234567',
      status: 'queued',
      receivedAt: at,
      lastIntentAt: at,
      updatedAt: at,
      scoreFactors: { recency: 0.5, product: 'cash_loan' },
    },
  });
  const [row] = await db.sql.query<Record<string, unknown>>(
    `SELECT l.received_at, l.score_factors, l.version, c.agent_groups, c.calling_windows,
            count(*) OVER () AS n, 12.50::numeric AS amount, '\\x0102'::bytea AS bytes
       FROM lead l JOIN campaign c ON c.id = l.campaign_id WHERE l.id = $1`,
    [lead.id],
  );
  const viaPrisma = await db.prisma.lead.findUniqueOrThrow({
    where: { id: lead.id },
    include: { campaign: true },
  });
  return {
    row,
    viaPrisma: {
      ...viaPrisma,
      id: 'x',
      tenantId: 'x',
      campaignId: 'x',
      campaign: { ...viaPrisma.campaign, id: 'x', tenantId: 'x', createdAt: 'x' },
    },
  };
}

describe('the embedded database on a thread of its own', () => {
  it('gives back the same rows as PGlite on this thread, through SQL and Prisma', async () => {
    const onThread = await open({ dataDir: await folder(), thread: 'worker' });
    const here = await open({ dataDir: 'memory' });
    const there = await sample(onThread);
    expect(there).toEqual(await sample(here));
    expect(there.row).toMatchObject({
      received_at: new Date('2026-03-29T00:59:59.123Z'),
      score_factors: { recency: 0.5, product: 'cash_loan' },
      agent_groups: ['sales', 'backup'],
    });
    expect(there.viaPrisma.receivedAt).toEqual(new Date('2026-03-29T00:59:59.123Z'));
  });

  it('keeps a transaction together: one that throws leaves nothing, and concurrent ones never interleave', async () => {
    const db = await open({ dataDir: await folder(), thread: 'worker' });
    await db.sql.exec('CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0);');
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query('UPDATE counter SET n = n + 100');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    // Read, wait a turn, write: two of these interleaved would lose an increment.
    await Promise.all(
      Array.from({ length: 40 }, () =>
        db.sql.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('SELECT n FROM counter');
          await new Promise((resolve) => setImmediate(resolve));
          await tx.query('UPDATE counter SET n = $1', [(row?.n ?? 0) + 1]);
        }),
      ),
    );
    expect(await db.sql.query('SELECT n FROM counter')).toEqual([{ n: 40 }]);
  });

  it('refuses to report a transaction as committed when PostgreSQL rolled it back, and closes its handle at its end, as PGlite on this thread does', async () => {
    for (const thread of ['worker', 'main'] as const) {
      const db = await open({ dataDir: await folder(), thread });
      await db.sql.exec('CREATE TABLE once (id int PRIMARY KEY)');
      // A failed statement whose error the caller swallows aborts the transaction all the same.
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query('INSERT INTO once VALUES (1)');
          await tx.query('INSERT INTO once VALUES (1)').catch(() => undefined);
        }),
        thread,
      ).rejects.toMatchObject({ code: '25P02' });
      expect(await db.sql.query('SELECT count(*)::int AS n FROM once'), thread).toEqual([{ n: 0 }]);
      // A handle kept past its transaction runs nothing.
      let kept: Parameters<Parameters<typeof db.sql.transaction>[0]>[0] | undefined;
      await db.sql.transaction(async (tx) => {
        kept = tx;
        await tx.query('INSERT INTO once VALUES (2)');
      });
      await expect(kept?.query('INSERT INTO once VALUES (3)'), thread).rejects.toThrow(/closed/i);
      expect(await db.sql.query('SELECT id FROM once'), thread).toEqual([{ id: 2 }]);
    }
  });

  it("reports PostgreSQL's errors with their SQLSTATE, to plain SQL and to Prisma alike", async () => {
    const db = await open({ dataDir: await folder(), thread: 'worker' });
    await db.prisma.tenant.create({ data: { slug: 'acme', name: 'Acme' } });
    await expect(
      db.sql.query(`INSERT INTO tenant (slug, name) VALUES ('acme', 'Again')`),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: expect.stringContaining('slug'),
    });
    await expect(db.prisma.tenant.create({ data: { slug: 'acme', name: 'Again' } })).rejects.toMatchObject({
      code: 'P2002',
    });
    await expect(db.sql.query('SELECT nothing FROM nowhere')).rejects.toMatchObject({ code: '42P01' });
    // The failed statements left the database usable.
    expect(await db.prisma.tenant.count()).toBe(1);
  });

  it('keeps what was committed when opened again, and copies itself into another database', async () => {
    const path = await folder();
    const first = await open({ dataDir: path, thread: 'worker' });
    await first.prisma.tenant.create({ data: { slug: 'kept', name: 'Kept' } });
    const copy = await open({ dataDir: 'memory', snapshot: await snapshotOf(first) });
    await first.close();
    const again = await open({ dataDir: path, thread: 'worker' });
    expect((await again.prisma.tenant.findMany()).map((tenant) => tenant.slug)).toEqual(['kept']);
    expect((await copy.prisma.tenant.findMany()).map((tenant) => tenant.slug)).toEqual(['kept']);
  });

  it("sizes PostgreSQL's page cache as asked, on either thread, and refuses a size it cannot read", async () => {
    for (const thread of ['worker', 'main'] as const) {
      const db = await open({ dataDir: await folder(), thread, sharedBuffers: '16MB' });
      expect(await db.sql.query('SHOW shared_buffers'), thread).toEqual([{ shared_buffers: '16MB' }]);
    }
    await expect(open({ dataDir: await folder(), sharedBuffers: '16 MB; DROP' })).rejects.toThrow(
      /sharedBuffers must be a size such as 16MB/,
    );
  });

  it('answers every statement after it is closed with an error that says the database is closed', async () => {
    const db = await open({ dataDir: await folder(), thread: 'worker' });
    await db.close();
    const error = await db.sql.query('SELECT 1').catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: '57P01', message: expect.stringMatching(/PGlite is closed/) });
    // Callers answer 503 and try again, as for a PostgreSQL server that went away.
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});
