import type { BusMessage } from '../bus.ts';

/** The newest messages a partition's tail keeps; a consumer further behind reads the log itself. */
export const TAIL_MESSAGES_PER_PARTITION = 64;

/** A row of the bus's log as one look at its tail read it (the message as JSON text). */
export interface TailRow {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly message: string;
}

interface Partition {
  /** Every message of the partition after this id is in `entries`. */
  coveredAfter: bigint;
  readonly entries: { id: bigint; position: string; message: string }[];
}

/**
 * The tail of the in-process bus's log, read once for every consumer of this process: with the
 * direct outbox (ids in commit order, one connection) each look reads the messages committed since
 * the last one, and a consumer that is up to date takes its partition's messages from here instead
 * of reading the log with a statement of its own. A consumer behind the kept window, or one that
 * starts from an older position, reads the log as before; so does every consumer without the
 * direct outbox.
 */
export class LogTail {
  readonly #partitions = new Map<string, Partition>();
  /** Every message with an id up to this one has been seen by a look. */
  #upTo: bigint;
  /** Where the tail began: every partition holds all of its messages after this id, until trimmed. */
  readonly #startedAfter: bigint;

  constructor(after: string) {
    this.#upTo = BigInt(after);
    this.#startedAfter = this.#upTo;
  }

  /** Where the next look reads on from. */
  get upTo(): string {
    return this.#upTo.toString();
  }

  /**
   * Takes one look's rows (ids in ascending order, all after `upTo`); returns the `topic NUL
   * partition` channels that got messages.
   */
  take(rows: readonly TailRow[]): Set<string> {
    const touched = new Set<string>();
    for (const row of rows) {
      const id = BigInt(row.id);
      if (id <= this.#upTo) throw new Error(`the log's tail went back: ${row.id} after ${this.#upTo}`);
      this.#upTo = id;
      const channel = `${row.topic}\u0000${row.partition}`;
      let partition = this.#partitions.get(channel);
      if (!partition) {
        partition = { coveredAfter: this.#startedAfter, entries: [] };
        this.#partitions.set(channel, partition);
      }
      partition.entries.push({ id, position: row.id, message: row.message });
      if (partition.entries.length > TAIL_MESSAGES_PER_PARTITION) {
        const dropped = partition.entries.shift();
        if (dropped) partition.coveredAfter = dropped.id;
      }
      touched.add(channel);
    }
    return touched;
  }

  /**
   * The partition's messages after `after` (at most `limit`), each a fresh object; undefined when
   * the tail does not hold all of them (the consumer is further behind: it reads the log).
   */
  read(
    topic: string,
    partition: number,
    after: string,
    limit: number,
  ): { position: string; message: BusMessage }[] | undefined {
    const from = BigInt(after);
    const kept = this.#partitions.get(`${topic}\u0000${partition}`);
    if (from < (kept?.coveredAfter ?? this.#startedAfter)) return undefined;
    const found: { position: string; message: BusMessage }[] = [];
    for (const entry of kept?.entries ?? []) {
      if (entry.id <= from) continue;
      found.push({ position: entry.position, message: JSON.parse(entry.message) as BusMessage });
      if (found.length === limit) break;
    }
    return found;
  }
}
