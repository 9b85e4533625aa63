import { describe, expect, it } from 'vitest';
import { testMessage } from '../testing/test-message.ts';
import { LogTail, TAIL_MESSAGES_PER_PARTITION, type TailRow } from './log-tail.ts';

const row = (id: number, partition: number, seq: number): TailRow => ({
  id: String(id),
  topic: 'leads',
  partition,
  message: JSON.stringify(testMessage(`key-${partition}`, seq)),
});
const seqs = (found: ReturnType<LogTail['read']>) =>
  found?.map((entry) => (entry.message.payload as { seq: number }).seq);

describe('the log tail', () => {
  it('gives a consumer at or after its start every message of its partition after its position, in order', () => {
    const tail = new LogTail('100');
    const touched = tail.take([row(101, 0, 1), row(102, 3, 2), row(103, 0, 3)]);
    expect([...touched]).toEqual(['leads\u00000', 'leads\u00003']);
    expect(seqs(tail.read('leads', 0, '100', 100))).toEqual([1, 3]);
    expect(seqs(tail.read('leads', 0, '101', 100))).toEqual([3]);
    expect(seqs(tail.read('leads', 0, '103', 100))).toEqual([]);
    expect(seqs(tail.read('leads', 3, '100', 1))).toEqual([2]);
    // A partition with no message since the start has none to give.
    expect(tail.read('leads', 5, '100', 100)).toEqual([]);
    expect(tail.upTo).toBe('103');
  });

  it('sends a consumer from before its start, or behind the messages it keeps, to the log', () => {
    const tail = new LogTail('100');
    expect(tail.read('leads', 0, '99', 100)).toBeUndefined();
    const count = TAIL_MESSAGES_PER_PARTITION + 10;
    tail.take(Array.from({ length: count }, (_, i) => row(101 + i, 0, i)));
    // The oldest ten were let go: a consumer that has not handled them reads the log.
    expect(tail.read('leads', 0, '100', 1000)).toBeUndefined();
    expect(tail.read('leads', 0, '109', 1000)).toBeUndefined();
    expect(seqs(tail.read('leads', 0, '110', 1000))).toEqual(
      Array.from({ length: TAIL_MESSAGES_PER_PARTITION }, (_, i) => i + 10),
    );
  });

  it('gives each consumer an object of its own, so that one handler cannot change another’s message', () => {
    const tail = new LogTail('0');
    tail.take([row(1, 0, 7)]);
    const first = tail.read('leads', 0, '0', 10)?.[0];
    (first?.message.payload as { seq: number }).seq = 99;
    expect(seqs(tail.read('leads', 0, '0', 10))).toEqual([7]);
  });

  it('refuses rows out of order rather than skip a message', () => {
    const tail = new LogTail('10');
    expect(() => tail.take([row(12, 0, 1), row(11, 0, 2)])).toThrow(/went back/);
  });
});
