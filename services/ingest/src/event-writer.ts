import { type Database, isDatabaseUnavailable } from '@pronto/db';
import { ProblemError } from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import type { PreparedEvent, WriteOutcome } from './prepared-event.ts';
import { writeEventBatch } from './write-event-batch.ts';

interface Pending {
  event: PreparedEvent;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

export interface EventWriterOptions {
  db: Database;
  now: () => Date;
  logger: Logger;
  /** Most events in one transaction. */
  maxBatch?: number;
  /**
   * Transactions in flight at once. Few and large beat many and small: each transaction pays its
   * round trips and a WAL flush whatever its size (2 measured best on a 2-core machine; see
   * docs/benchmarks.md). The embedded database runs one at a time.
   */
  maxConcurrency?: number;
  /** Called after each commit that stored events: their outbox rows can be published now. */
  onCommitted?: () => void;
}

/** An event the database refused after all (the others of its request may have been stored). */
export interface WriteFailure {
  kind: 'failed';
  error: unknown;
}

export interface EventWriter {
  /** Resolves once the events are committed (or found already stored); never before. */
  write(events: readonly PreparedEvent[]): Promise<WriteOutcome[]>;
  /**
   * The same, with each event's own fate: one that failed alone (after its group was retried event
   * by event) does not hide that the others were stored. For a batch, answered item by item.
   */
  writeEach(events: readonly PreparedEvent[]): Promise<(WriteOutcome | WriteFailure)[]>;
  /** Stops taking events and waits for those already taken to be committed. */
  close(): Promise<void>;
}

// Deadlock, serialization failure, and a race with a concurrent request carrying the same eventId.
const RETRYABLE = new Set(['40P01', '40001', 'PRONTO_CONCURRENT_EVENT_ID']);

/**
 * Group commit: events that arrive while a transaction is in flight wait and go together in the
 * next one. Under load one commit (one WAL flush) carries many events, which is how intake keeps
 * up with the database's own single-row insert rate while answering 202 only after the commit;
 * at low load a lone event goes at once, with no timer adding latency.
 */
export function createEventWriter(options: EventWriterOptions): EventWriter {
  const maxBatch = options.maxBatch ?? 500;
  const maxConcurrency = options.maxConcurrency ?? Math.min(2, options.db.maxConcurrency);
  // One entry per write() call: the events of one request always share a transaction, so a batch
  // request's answers (which item opened a lead, which merged) follow the order it was sent in.
  const queue: Pending[][] = [];
  let queuedEvents = 0;
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  let scheduled = false;

  /**
   * Starts transactions on the next turn of the event loop rather than at once: requests whose bytes
   * have already arrived are parsed first and join the batch. Without this an embedded database,
   * whose queries finish without ever yielding to I/O, would commit every event alone.
   */
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  function pump() {
    while (inFlight < maxConcurrency && queue.length > 0) {
      // Share a long queue between the free slots rather than handing all of it to the first one.
      const target = Math.min(maxBatch, Math.ceil(queuedEvents / (maxConcurrency - inFlight)));
      const group: Pending[] = [];
      while (queue.length > 0 && (group.length === 0 || group.length + (queue[0]?.length ?? 0) <= target)) {
        group.push(...(queue.shift() as Pending[]));
      }
      queuedEvents -= group.length;
      inFlight += 1;
      void commit(group).finally(() => {
        inFlight -= 1;
        schedule();
        if (closing && inFlight === 0 && queue.length === 0) drained?.();
      });
    }
  }

  async function commit(group: Pending[]): Promise<void> {
    try {
      const outcomes = await transactWithRetry(group.map((p) => p.event));
      options.onCommitted?.();
      group.forEach((pending, index) => {
        pending.resolve(outcomes[index] as WriteOutcome);
      });
    } catch (error) {
      if (group.length > 1 && !isDatabaseUnavailable(error)) {
        // One bad event must not refuse its neighbours: try each alone to find it.
        options.logger.warn(
          { err: error, events: group.length },
          'batch failed; retrying its events one by one',
        );
        for (const pending of group) await commit([pending]);
        return;
      }
      if (!isDatabaseUnavailable(error)) {
        options.logger.error({ err: error, eventId: group[0]?.event.eventId }, 'event could not be stored');
      }
      for (const pending of group) pending.reject(error);
    }
  }

  async function transactWithRetry(events: PreparedEvent[]): Promise<WriteOutcome[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await options.db.sql.transaction((tx) => writeEventBatch(tx, events, options.now()));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  function enqueue(events: readonly PreparedEvent[]): Promise<WriteOutcome>[] {
    if (closing)
      return events.map(() =>
        Promise.reject(
          new ProblemError('service-unavailable', 'Pronto is shutting down', undefined, {
            'retry-after': '5',
          }),
        ),
      );
    if (events.length === 0) return [];
    const request: Pending[] = [];
    const promises = events.map(
      (event) => new Promise<WriteOutcome>((resolve, reject) => request.push({ event, resolve, reject })),
    );
    queue.push(request);
    queuedEvents += request.length;
    schedule();
    return promises;
  }

  return {
    write(events) {
      return Promise.all(enqueue(events));
    },
    async writeEach(events) {
      const settled = await Promise.allSettled(enqueue(events));
      return settled.map((result) =>
        result.status === 'fulfilled' ? result.value : { kind: 'failed', error: result.reason },
      );
    },
    close() {
      closing = true;
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        drained = resolve;
      });
    },
  };
}
