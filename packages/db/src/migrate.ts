import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './sql.ts';

export const migrationsDir = fileURLToPath(new URL('../prisma/migrations/', import.meta.url));

/** Any 64-bit number; one per project, so that concurrent starts migrate one at a time. */
const MIGRATION_LOCK = 72_616_407_311;

export interface AppliedMigration {
  name: string;
  applied: boolean;
}

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, in one transaction under an advisory lock
 * (several processes may start at once),
 * and records them in Prisma's own `_prisma_migrations` table with Prisma's checksum (SHA-256 of
 * the file), so `prisma migrate deploy` and `prisma migrate status` agree with what ran here.
 * A recorded migration whose file has changed since is refused rather than silently skipped.
 */
export async function migrate(sql: Sql, dir = migrationsDir): Promise<AppliedMigration[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await tx.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const recorded = new Map(done.map((row) => [row.migration_name, row.checksum]));
    const result: AppliedMigration[] = [];
    for (const name of names) {
      const text = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const previous = recorded.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(
            `migration ${name} was changed after it was applied (checksum differs); add a new migration instead`,
          );
        }
        result.push({ name, applied: false });
        continue;
      }
      await tx.exec(text);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), checksum, name],
      );
      result.push({ name, applied: true });
    }
    return result;
  });
}
