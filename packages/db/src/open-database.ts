import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { migrate } from './migrate.ts';
import { type PGliteHandle, PGliteThread } from './pglite-thread.ts';
import { restrictToOwner } from './restrict-to-owner.ts';
import { type Sql, sqlOnPGlite, sqlOnPool } from './sql.ts';

export type DatabaseOptions =
  | {
      /** PostgreSQL connection string (postgres://user@host:port/db). */
      url: string;
      /** Connections in the pool. */
      poolSize?: number;
      /** How long to wait for a connection before failing (the API then answers 503). */
      connectTimeoutMs?: number;
    }
  | {
      /** A folder for the embedded database; `memory` keeps it in memory only (tests). */
      dataDir: string | 'memory';
      /** Start from this copy of a database (PGlite's dumpDataDir), e.g. one already migrated. */
      snapshot?: Blob;
      /**
       * `main` (default): PGlite runs on the caller's thread. `worker`: on a thread of its own,
       * beside the caller's JavaScript; more events/s at intake, but every statement pays a
       * message round trip, which lengthens multi-statement paths (docs/benchmarks.md).
       */
      thread?: 'worker' | 'main';
      /**
       * PostgreSQL's `shared_buffers` inside PGlite (`16MB`, `128MB`, ...); default 128MB. Its page
       * cache lives in the process's memory: docs/benchmarks.md measures what it costs there.
       */
      sharedBuffers?: string;
    };

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Typed access for ordinary reads and writes. */
  readonly prisma: PrismaClient;
  /** Set-based SQL for hot paths; shares the same connections as `prisma`. */
  readonly sql: Sql;
  /** How many transactions can usefully run at once (the embedded database runs one). */
  readonly maxConcurrency: number;
  close(): Promise<void>;
}

/**
 * Opens the database, applies pending migrations, and returns a Prisma client and a SQL handle on
 * the same connections. PostgreSQL when a URL is given, else the embedded PGlite.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!('url' in options)) await createOnAThreadOfItsOwn(options);
  const database =
    'url' in options
      ? openPostgres(options)
      : await openPGlite(options.dataDir, options.snapshot, options.thread ?? 'main', options.sharedBuffers);
  try {
    await migrate(database.sql);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * A new embedded database folder is created (initdb, then every migration) on a thread of its own
 * that ends when it is done, and only then opened for use. Creating one grows PGlite's WebAssembly
 * memory to about 750 MB, and a WebAssembly memory is never given back while its instance lives:
 * created in the process's own PGlite, a first `npm start` kept about 900 MB resident where a
 * restart on the same folder holds about 350 MB. The thread's end frees all of it.
 */
async function createOnAThreadOfItsOwn(options: {
  dataDir: string;
  snapshot?: Blob;
  sharedBuffers?: string;
}): Promise<void> {
  if (options.dataDir === 'memory' || options.snapshot) return;
  const exists = await access(join(options.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (exists) return;
  const created = await openPGlite(options.dataDir, undefined, 'worker', options.sharedBuffers);
  try {
    await migrate(created.sql);
  } finally {
    await created.close();
  }
}

function openPostgres(options: { url: string; poolSize?: number; connectTimeoutMs?: number }): Database {
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that the server closes must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    sql: sqlOnPool(pool),
    maxConcurrency: Math.max(1, poolSize - 2),
    async close() {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}

async function openPGlite(
  dataDir: string,
  snapshot: Blob | undefined,
  thread: 'worker' | 'main',
  sharedBuffers: string | undefined,
): Promise<Database> {
  if (sharedBuffers !== undefined && !/^[1-9]\d*(kB|MB|GB)$/.test(sharedBuffers))
    throw new Error(`sharedBuffers must be a size such as 16MB or 1GB, not ${JSON.stringify(sharedBuffers)}`);
  if (dataDir !== 'memory') await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const where = dataDir === 'memory' ? {} : { dataDir };
  const startParams = sharedBuffers
    ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`]
    : undefined;
  const db: PGliteHandle =
    thread === 'worker'
      ? await PGliteThread.start({ ...where, ...(snapshot ? { snapshot } : {}), startParams })
      : await PGlite.create({
          ...where,
          ...(snapshot ? { loadDataDir: snapshot } : {}),
          ...(startParams ? { startParams } : {}),
        });
  // The database holds every lead's phone number: no other local user may read its files.
  if (dataDir !== 'memory')
    await restrictToOwner(dataDir).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
  // The adapter calls query (array rows, its own parsers), exec and transaction: what a handle has.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db as PGlite) });
  return pgliteDatabase(db, prisma);
}

/** A copy of an embedded database (schema and data), to start other ones from. */
export async function snapshotOf(database: Database): Promise<Blob> {
  const db = pgliteHandles.get(database);
  if (!db) throw new Error('only an embedded (PGlite) database can be copied');
  return db.dumpDataDir('none');
}

const pgliteHandles = new WeakMap<Database, PGliteHandle>();

function pgliteDatabase(db: PGliteHandle, prisma: PrismaClient): Database {
  const database: Database = {
    kind: 'pglite',
    prisma,
    sql: sqlOnPGlite(db),
    maxConcurrency: 1,
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
  pgliteHandles.set(database, db);
  return database;
}
