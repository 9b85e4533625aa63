import { Worker } from 'node:worker_threads';
import { messages, type ParserOptions, type QueryOptions, type Results } from '@electric-sql/pglite';

/** What the rest of the package uses of a PGlite: the same calls on this thread or on its own. */
export interface PGliteHandle {
  query<Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  exec(script: string): Promise<unknown>;
  transaction<T>(work: (tx: PGliteTransaction) => Promise<T>): Promise<T>;
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
  close(): Promise<void>;
  readonly closed: boolean;
}

export interface PGliteTransaction {
  query<Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  exec(script: string): Promise<unknown>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

interface DescribedError {
  database: boolean;
  message: string;
  length?: number;
  name: string;
  fields: Record<string, unknown>;
}

type Reply = { id: number; result?: unknown; error?: DescribedError };

/** The error the worker described, rebuilt: a DatabaseError stays one (its SQLSTATE in `code`). */
function rebuilt(described: DescribedError): Error {
  const error =
    described.database && described.length !== undefined
      ? new messages.DatabaseError(described.message, described.length, described.name as never)
      : new Error(described.message);
  return Object.assign(error, described.fields);
}

/** One lock: a transaction's statements run together, and nothing else runs between them. */
class Turns {
  #tail: Promise<void> = Promise.resolve();
  async take(): Promise<() => void> {
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    await before;
    return release;
  }
}

/**
 * The embedded database on a worker thread of its own (pglite-thread-worker.mjs). Statements go to
 * the worker as messages and run there one at a time, as on a PGlite in this thread; a
 * transaction holds the database from BEGIN to COMMIT or ROLLBACK. Rows come back as the PGlite
 * parsers made them (dates, JSON, bigints, bytes); columns the caller gives parsers for come back as
 * text and are parsed here, since functions cannot cross threads.
 */
export class PGliteThread implements PGliteHandle {
  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #turns = new Turns();
  #nextId = 1;
  #stopped: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    // Like a PGlite on this thread, an idle database does not keep the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.#waiting.get(reply.id);
      if (!waiter) return;
      this.#forget(reply.id);
      if (reply.error) waiter.reject(rebuilt(reply.error));
      else waiter.resolve(reply.result);
    });
    // A thread that dies answers every statement as a database that went away (57P01, "PGlite is
    // closed"): callers answer 503 and try again rather than treat it as a fault of the statement.
    const stop = (why: string) => {
      this.#stopped ??= Object.assign(new Error(`PGlite is closed: ${why}`), { code: '57P01' });
      for (const waiter of this.#waiting.values()) waiter.reject(this.#stopped);
      this.#waiting.clear();
    };
    worker.on('error', (error) => stop(`its thread failed: ${error?.message ?? String(error)}`));
    worker.on('exit', (code) => stop(`its thread exited with code ${code}`));
  }

  /** Starts the thread and opens the database in it (a folder, or memory when none is given). */
  static async start(options: {
    dataDir?: string;
    snapshot?: Blob;
    /** PostgreSQL's start parameters, when not PGlite's defaults. */
    startParams?: string[] | undefined;
  }): Promise<PGliteThread> {
    const snapshot = options.snapshot ? await options.snapshot.arrayBuffer() : undefined;
    const worker = new Worker(new URL('./pglite-thread-worker.mjs', import.meta.url), {
      workerData: { dataDir: options.dataDir, snapshot, startParams: options.startParams },
      transferList: snapshot ? [snapshot] : [],
    });
    const ready = await new Promise<{ ready: boolean; error?: DescribedError }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the embedded database's thread exited with code ${code}`)),
      );
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    if (!ready.ready) {
      await worker.terminate();
      throw ready.error ? rebuilt(ready.error) : new Error('the embedded database did not open');
    }
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
    return new PGliteThread(worker);
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  #forget(id: number): void {
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#worker.unref();
  }

  #send(request: Record<string, unknown>): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // A request in flight keeps the process alive until its answer comes.
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ ...request, id });
      } catch (error) {
        // Parameters that cannot be copied to the thread (a function, a class instance).
        this.#forget(id);
        reject(error);
      }
    });
  }

  /** One statement, outside any lock: the caller holds the database (or is a transaction). */
  async #query<Row>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
    transaction?: { begin: boolean },
  ): Promise<Results<Row>> {
    const parsers: ParserOptions | undefined = options?.parsers;
    const textTypes = parsers ? Object.keys(parsers).map(Number) : undefined;
    const result = (await this.#send({
      op: 'query',
      text,
      params: params ?? [],
      rowMode: options?.rowMode,
      textTypes,
      tx: transaction !== undefined,
      begin: transaction?.begin ?? false,
    })) as Results<Row>;
    if (parsers && textTypes && textTypes.length > 0) parseColumns(result, parsers);
    return result;
  }

  async #locked<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.#turns.take();
    try {
      return await work();
    } finally {
      release();
    }
  }

  query<Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>> {
    return this.#locked(() => this.#query<Row>(text, params, options));
  }

  exec(script: string): Promise<unknown> {
    return this.#locked(() => this.#send({ op: 'exec', text: script }));
  }

  transaction<T>(work: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
    return this.#locked(async () => {
      // BEGIN travels with the first statement (one round trip fewer per transaction): the worker
      // runs it first and skips the statement if it fails.
      let begun = false;
      let closed = false;
      let rollingBack: Promise<unknown> | undefined;
      const next = () => {
        if (closed) throw new Error('Transaction is closed');
        const begin = !begun;
        begun = true;
        return { begin };
      };
      const tx: PGliteTransaction = {
        query: async (text, params, options) => this.#query(text, params, options, next()),
        exec: async (script) => this.#send({ op: 'exec', text: script, tx: true, begin: next().begin }),
        // The Prisma adapter calls this without waiting for it, then ends the transaction.
        rollback: async () => {
          if (closed) throw new Error('Transaction is closed');
          closed = true;
          if (begun) {
            rollingBack = this.#send({ op: 'rollback' });
            await rollingBack;
          }
        },
        get closed() {
          return closed;
        },
      };
      try {
        const value = await work(tx);
        if (!closed) {
          closed = true;
          // The worker answers a transaction whose statement failed with 25P02, as PGlite does.
          if (begun) await this.#send({ op: 'commit' });
        }
        await rollingBack;
        return value;
      } catch (error) {
        if (!closed) {
          closed = true;
          if (begun) await this.#send({ op: 'rollback' }).catch(() => undefined);
        }
        await rollingBack?.catch(() => undefined);
        throw error;
      }
    });
  }

  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'auto'): Promise<Blob> {
    const bytes = (await this.#locked(() => this.#send({ op: 'dump', compression }))) as ArrayBuffer;
    return new Blob([bytes]);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (!this.#stopped) await this.#locked(() => this.#send({ op: 'close' }));
      } finally {
        this.#stopped ??= Object.assign(new Error('PGlite is closed'), { code: '57P01' });
        await this.#worker.terminate();
      }
    })();
    return this.#closing;
  }
}

/** Applies the caller's parsers to the columns the worker sent back as text. */
function parseColumns(result: Results<unknown>, parsers: ParserOptions): void {
  const columns = result.fields
    .map((field, index) => ({ index, name: field.name, parse: parsers[field.dataTypeID] }))
    .filter((column) => column.parse !== undefined);
  if (columns.length === 0) return;
  for (const row of result.rows as unknown[]) {
    for (const column of columns) {
      const key = Array.isArray(row) ? column.index : column.name;
      const record = row as Record<string | number, unknown>;
      const value = record[key];
      if (typeof value === 'string') record[key] = column.parse?.(value);
    }
  }
}
