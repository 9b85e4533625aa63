import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { openDatabase } from './open-database.ts';

describe.each(databaseKinds())('database on %s', (kind) => {
  it('migrates once, records it the way Prisma does, and a second run applies nothing', async () => {
    const db = await openTestDatabase(kind);
    try {
      const again = await migrate(db.sql);
      expect(again.length).toBeGreaterThan(0);
      expect(again.every((migration) => !migration.applied)).toBe(true);
      const rows = await db.sql.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations"',
      );
      expect(rows.map((row) => row.migration_name)).toEqual(again.map((migration) => migration.name));
      expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await db.close();
    }
  });

  it('serves Prisma and plain SQL on the same data, with transactions that roll back', async () => {
    const db = await openTestDatabase(kind);
    try {
      const tenant = await db.prisma.tenant.create({ data: { slug: 'acme', name: 'Acme Bank' } });
      const rows = await db.sql.query<{ name: string }>('SELECT name FROM tenant WHERE id = $1', [tenant.id]);
      expect(rows).toEqual([{ name: 'Acme Bank' }]);
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query("UPDATE tenant SET name = 'Changed' WHERE id = $1", [tenant.id]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe('Acme Bank');
    } finally {
      await db.close();
    }
  });

  it('allows one open lead per person and campaign, and a new one once it is closed', async () => {
    const db = await openTestDatabase(kind);
    try {
      const tenant = await db.prisma.tenant.create({ data: { slug: 't', name: 'T' } });
      const campaign = await db.prisma.campaign.create({
        data: { tenantId: tenant.id, slug: 'c', name: 'C', timeZone: 'Europe/Warsaw' },
      });
      const now = new Date();
      const lead = {
        tenantId: tenant.id,
        campaignId: campaign.id,
        phoneE164: '+48601234567',
        status: 'received',
        receivedAt: now,
        lastIntentAt: now,
        updatedAt: now,
      };
      const first = await db.prisma.lead.create({ data: lead });
      await expect(db.prisma.lead.create({ data: lead })).rejects.toThrow();
      await db.prisma.lead.update({ where: { id: first.id }, data: { status: 'closed', closedAt: now } });
      await expect(db.prisma.lead.create({ data: lead })).resolves.toMatchObject({
        phoneE164: '+48601234567',
      });
    } finally {
      await db.close();
    }
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const db = await openTestDatabase(kind);
    try {
      await db.sql.query(`UPDATE "_prisma_migrations" SET checksum = 'x'`);
      await expect(migrate(db.sql)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await db.close();
    }
  });
});

describe('an embedded database folder', () => {
  it('is created and migrated when new, then opened for use with its files for the owner alone; reopened, it keeps its data', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pronto-db-folder-'));
    const dataDir = join(folder, 'db');
    try {
      const first = await openDatabase({ dataDir, sharedBuffers: '16MB' });
      try {
        // Every migration is recorded as applied: the creation ran them before this open.
        const applied = await migrate(first.sql);
        expect(applied.length).toBeGreaterThan(0);
        expect(applied.every((migration) => !migration.applied)).toBe(true);
        await first.prisma.tenant.create({ data: { slug: 'kept', name: 'Kept Bank' } });
      } finally {
        await first.close();
      }
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      for (const name of await readdir(dataDir))
        expect((await stat(join(dataDir, name))).mode & 0o077, name).toBe(0);

      const again = await openDatabase({ dataDir, sharedBuffers: '16MB' });
      try {
        expect(await again.prisma.tenant.findMany({ select: { slug: true } })).toEqual([{ slug: 'kept' }]);
      } finally {
        await again.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
