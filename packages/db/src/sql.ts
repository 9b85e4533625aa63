import type pg from 'pg';
import type { PGliteHandle, PGliteTransaction } from './pglite-thread.ts';

/** Something that runs one SQL statement with positional parameters ($1, $2, ...). */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations, seeds). */
  exec(script: string): Promise<void>;
}

/**
 * Plain SQL next to the Prisma client, for hot paths that need set-based statements
 * (multi-row INSERT ... SELECT FROM unnest(...)) that Prisma cannot express in one round trip.
 */
export interface Sql extends SqlQueryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

export function sqlOnPool(pool: pg.Pool): Sql {
  return {
    async query(text, params) {
      const result = await pool.query(text, params as unknown[]);
      return result.rows;
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client that loses its connection emits 'error'; the failing query reports it.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const tx: SqlQueryable = {
          query: async (text, params) => (await client.query(text, params as unknown[])).rows,
          exec: async (script) => {
            await client.query(script);
          },
        };
        const value = await work(tx);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          // A connection that cannot even roll back must not go back into the pool.
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
  };
}

export function sqlOnPGlite(db: PGliteHandle): Sql {
  const wrap = (runner: PGliteHandle | PGliteTransaction): SqlQueryable => ({
    query: async (text, params) => (await runner.query(text, params as unknown[])).rows as never,
    exec: async (script) => {
      await runner.exec(script);
    },
  });
  const outside = wrap(db);
  return {
    ...outside,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
  };
}
