import { randomBytes } from 'node:crypto';
import { type Database, openDatabase, snapshotOf } from '@pronto/db';
import pg from 'pg';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The databases a db-level test runs on: the embedded one always, PostgreSQL as well when
 * DATABASE_URL is set (CI runs the suite both ways).
 */
export function databaseKinds(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** The database a service-level test runs on: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function defaultDatabaseKind(): DatabaseKind {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

export interface TestDatabase extends Database {
  /** The connection string of the fresh PostgreSQL database (postgres kind only). */
  readonly url?: string;
}

let migrated: Promise<Blob> | undefined;

/**
 * One embedded database migrated per test process; every test database starts as a copy of it
 * (loading a copy takes a fraction of replaying every migration).
 */
function migratedSnapshot(): Promise<Blob> {
  migrated ??= (async () => {
    const template = await openDatabase({ dataDir: 'memory' });
    try {
      return await snapshotOf(template);
    } finally {
      await template.close();
    }
  })();
  return migrated;
}

/**
 * A fresh, migrated database that nothing else uses: an in-memory PGlite, or a new database on
 * the server named by DATABASE_URL (created from template0 and dropped again on close).
 */
export async function openTestDatabase(
  kind: DatabaseKind = defaultDatabaseKind(),
  poolSize?: number,
): Promise<TestDatabase> {
  if (kind === 'pglite') return openDatabase({ dataDir: 'memory', snapshot: await migratedSnapshot() });
  const url = await createScratchDatabase();
  const database = await openDatabase({ url, ...(poolSize ? { poolSize } : {}) });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await dropScratchDatabase(url);
    },
  };
}

/** Creates an empty database next to DATABASE_URL's and returns its URL (not migrated). */
export async function createScratchDatabase(): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base)
    throw new Error('DATABASE_URL is not set: PostgreSQL tests need a server to create databases on');
  const name = `pronto_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^pronto_test_[0-9a-f]+$/.test(name))
    throw new Error(`refusing to drop ${name}: not a scratch database`);
  await withAdmin(process.env.DATABASE_URL ?? url, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
