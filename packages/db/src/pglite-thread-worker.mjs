// The embedded database's own thread: one PGlite, driven by messages from the main thread
// (pglite-thread.ts), so PostgreSQL's work runs beside the services' JavaScript instead of taking
// turns with it on one core. Plain JavaScript: a worker thread does not go through tsx or vite.
import { parentPort, workerData } from 'node:worker_threads';
import { messages, PGlite } from '@electric-sql/pglite';

const port = parentPort;
if (!port) throw new Error('pglite-thread-worker.mjs runs as a worker thread');

/** Columns of these type ids come back as PostgreSQL's text: the main thread parses them. */
const asText = (types) => Object.fromEntries(types.map((type) => [type, (value) => value]));

/**
 * An error as plain data: a DatabaseError keeps its SQLSTATE and text fields for the main thread.
 * PGlite also attaches the statement's parameters and options to it: the parameters are personal
 * data and the options hold functions, so only text, numbers and flags cross over.
 */
function describe(error) {
  const plain = error instanceof Error ? error : new Error(String(error));
  const fields = Object.fromEntries(
    Object.entries(plain).filter(
      ([key, value]) => key !== 'params' && ['string', 'number', 'boolean'].includes(typeof value),
    ),
  );
  const database = plain instanceof messages.DatabaseError;
  return {
    database,
    message: plain.message,
    length: database ? plain.length : undefined,
    name: plain.name,
    fields,
  };
}

/** A statement of the open transaction failed: PostgreSQL will answer its COMMIT with a rollback. */
let failed = false;

/** What PGlite throws when a COMMIT is answered with ROLLBACK (SQLSTATE 25P02). */
function rolledBack() {
  const error = new messages.DatabaseError('Transaction was rolled back instead of committed', 0, 'error');
  return Object.assign(error, { severity: 'ERROR', code: '25P02' });
}

async function run(db, request) {
  switch (request.op) {
    case 'query': {
      const options = {};
      if (request.rowMode) options.rowMode = request.rowMode;
      if (request.textTypes) options.parsers = asText(request.textTypes);
      const { rows, fields, affectedRows } = await db.query(request.text, request.params, options);
      return { rows, fields, affectedRows };
    }
    case 'exec':
      await db.exec(request.text);
      return null;
    case 'commit':
      if (failed) {
        failed = false;
        await db.exec('ROLLBACK');
        throw rolledBack();
      }
      await db.exec('COMMIT');
      return null;
    case 'rollback':
      failed = false;
      await db.exec('ROLLBACK');
      return null;
    case 'dump': {
      const file = await db.dumpDataDir(request.compression);
      return await file.arrayBuffer();
    }
    case 'close':
      if (!db.closed) await db.close();
      return null;
    default:
      throw new Error(`unknown request ${request.op}`);
  }
}

async function handle(db, request) {
  try {
    if (request.begin) {
      failed = false;
      await db.exec('BEGIN');
    }
    const result = await run(db, request);
    // A transaction that rolled back to a savepoint may commit again.
    if (request.tx && /^\s*ROLLBACK\s+TO\b/i.test(request.text ?? '')) failed = false;
    return result;
  } catch (error) {
    if (request.tx) failed = true;
    throw error;
  }
}

try {
  const { dataDir, snapshot, startParams } = workerData;
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(snapshot ? { loadDataDir: new Blob([snapshot]) } : {}),
    ...(startParams ? { startParams } : {}),
  });
  // One request at a time, in arrival order: the main thread keeps a transaction's statements
  // together, and PGlite runs one statement at a time anyway.
  let queue = Promise.resolve();
  port.on('message', (request) => {
    queue = queue.then(async () => {
      try {
        const result = await handle(db, request);
        const transfer = result instanceof ArrayBuffer ? [result] : [];
        port.postMessage({ id: request.id, result }, transfer);
      } catch (error) {
        try {
          port.postMessage({ id: request.id, error: describe(error) });
        } catch (unsent) {
          // A reply that cannot be copied must still end the caller's wait.
          port.postMessage({ id: request.id, error: describe(unsent) });
        }
      }
    });
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: describe(error) });
}
