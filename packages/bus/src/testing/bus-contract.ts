import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, Delivery, Subscription } from '../bus.ts';
import { deadLetterTopic } from '../bus.ts';
import type { DeadLetterPayload } from '../dead-letter.ts';
import type { ConsumerProcessSpec } from './consumer-process.ts';
import { type ConsumerProcess, startConsumerProcess } from './start-consumer-process.ts';

export interface BusUnderTest {
  readonly bus: Bus;
  /** How long a message held by a consumer that died stays invisible to the rest of its group. */
  readonly redeliveryWithinMs: number;
  /**
   * false for a bus configured without order per key (Pub/Sub on its emulator): the suite then
   * checks that every message arrives, not in which order. Default true.
   */
  readonly ordersPerKey?: boolean;
  /** A consumer of the group in a process of its own (consumer-process.ts), for the kill -9 test. */
  consumerProcess(topic: string, group: string): ConsumerProcessSpec;
  /**
   * How the kill -9 test publishes: on a broker, straight to it; with the in-process bus, into the
   * outbox of the consumer process's database, which that process relays (the bus lives there).
   */
  publishForProcess(topic: string, messages: readonly BusMessage[]): Promise<void>;
  /** Whether the broker still holds the group on the topic (its offsets, or its subscription). */
  groupExists(topic: string, group: string): Promise<boolean>;
  close(): Promise<void>;
}

interface Seq {
  readonly seq: number;
  readonly poison?: boolean;
}

const message = (key: string, seq: number, extra: Partial<Seq> = {}): BusMessage => ({
  id: randomUUID(),
  type: 'contract.test',
  version: 1,
  occurredAt: new Date().toISOString(),
  key,
  payload: { seq, ...extra },
});

const seqOf = (delivery: Delivery) => (delivery.message.payload as Seq).seq;

/** Resolves when `predicate` holds, checking every 20 ms; fails with `what` after `ms`. */
async function eventually(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** For each key, the sequence numbers in the order first seen (a redelivered repeat is ignored). */
function orderPerKey(deliveries: readonly Delivery[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, number[]>();
  for (const delivery of deliveries) {
    if (seen.has(delivery.message.id)) continue;
    seen.add(delivery.message.id);
    const list = byKey.get(delivery.message.key) ?? [];
    list.push(seqOf(delivery));
    byKey.set(delivery.message.key, list);
  }
  return byKey;
}

/**
 * What every bus adapter promises, run against each of them: order per key, fan-out to groups,
 * partitions shared inside a group, redelivery of what a dead consumer never acknowledged, and
 * the dead-letter topic for a message that keeps failing.
 */
export function describeBusContract(name: string, open: () => Promise<BusUnderTest>): void {
  describe(`bus contract: ${name}`, () => {
    let under: BusUnderTest;
    const run = randomUUID().slice(0, 8);
    const topicOf = (what: string) => `contract-${run}-${what}`;
    const subscriptions: Subscription[] = [];
    const subscribe = async (...args: Parameters<Bus['subscribe']>) => {
      const subscription = await under.bus.subscribe(...args);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeAll(async () => {
      under = await open();
    });
    afterAll(async () => {
      await Promise.all(subscriptions.map((s) => s.close({ drain: false }).catch(() => {})));
      await under?.close();
    });

    it('delivers every message of one key in the order published, and every group gets them all', async () => {
      const topic = topicOf('order');
      const first: Delivery[] = [];
      const second: Delivery[] = [];
      await subscribe({ topic, group: 'first', handler: async (d) => void first.push(d) });
      await subscribe({ topic, group: 'second', handler: async (d) => void second.push(d) });
      const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
      for (let round = 0; round < 20; round += 5) {
        await under.bus.publish(
          topic,
          Array.from({ length: 5 }, (_, r) => keys.map((key) => message(key, round + r))).flat(),
        );
      }
      await eventually('both groups got 200 messages', () => {
        return (
          new Set(first.map((d) => d.message.id)).size === 200 &&
          new Set(second.map((d) => d.message.id)).size === 200
        );
      });
      const expected = Array.from({ length: 20 }, (_, i) => i);
      for (const deliveries of [first, second]) {
        const order = orderPerKey(deliveries);
        expect([...order.keys()].sort()).toEqual([...keys].sort());
        for (const key of keys) {
          const seqs = order.get(key) ?? [];
          expect(under.ordersPerKey === false ? [...seqs].sort((a, b) => a - b) : seqs, key).toEqual(
            expected,
          );
        }
      }
    });

    it('shares the partitions of a topic among the consumers of one group, each key staying in order', async () => {
      const topic = topicOf('share');
      const byConsumer: Delivery[][] = [[], [], []];
      for (const deliveries of byConsumer) {
        await subscribe({
          topic,
          group: 'workers',
          handler: async (d) => {
            deliveries.push(d);
            // Slow enough that one consumer cannot take everything before the others join in.
            await new Promise((resolve) => setTimeout(resolve, 2));
          },
        });
      }
      const keys = Array.from({ length: 30 }, (_, i) => `lead-${i}`);
      await under.bus.publish(
        topic,
        Array.from({ length: 10 }, (_, seq) => keys.map((key) => message(key, seq))).flat(),
      );
      const all = () => byConsumer.flat();
      await eventually(
        'the group handled 300 messages',
        () => new Set(all().map((d) => d.message.id)).size === 300,
      );
      const busy = byConsumer.filter((deliveries) => deliveries.length > 0).length;
      // Without ordering keys the broker hands a burst to whichever member pulls first; each member
      // still gets work once the others hold what they can (the SIGKILL test's second process does).
      expect(busy, 'consumers that got work').toBeGreaterThanOrEqual(under.ordersPerKey === false ? 1 : 2);
      // Every consumer saw its keys in order, and so does the group as a whole.
      for (const deliveries of under.ordersPerKey === false ? [] : byConsumer) {
        for (const [key, seqs] of orderPerKey(deliveries)) {
          expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));
        }
      }
    });

    it('gives a message that a dead consumer never acknowledged to another consumer of the group', async () => {
      const topic = topicOf('redeliver');
      let held = 0;
      const dying = await subscribe({
        topic,
        group: 'survivors',
        // Takes the message and never finishes with it, like a process killed mid-handler.
        handler: () => {
          held++;
          return new Promise<void>(() => {});
        },
      });
      await under.bus.publish(topic, [message('only-key', 1), message('only-key', 2)]);
      await eventually('the first consumer holds the message', () => held === 1);
      await dying.close({ drain: false });

      const survivor: Delivery[] = [];
      await subscribe({ topic, group: 'survivors', handler: async (d) => void survivor.push(d) });
      await eventually(
        'the second consumer got both messages',
        () => new Set(survivor.map((d) => d.message.id)).size === 2,
        under.redeliveryWithinMs + 30_000,
      );
      const survived = orderPerKey(survivor).get('only-key') ?? [];
      expect(under.ordersPerKey === false ? [...survived].sort() : survived).toEqual([1, 2]);
    });

    it('delivers every message at least once when a consumer process is killed with SIGKILL mid-stream', async () => {
      const topic = topicOf('sigkill');
      const total = 300;
      const published = Array.from({ length: total }, (_, i) => message(`lead-${i % 20}`, i));
      const processes: ConsumerProcess[] = [];
      try {
        await under.publishForProcess(topic, published);
        const first = await startConsumerProcess(under.consumerProcess(topic, 'killed'));
        processes.push(first);
        await eventually(
          'the first process handled a third of the stream',
          () => first.handled.size >= total / 3,
          60_000,
        );
        first.kill();
        await first.exited;
        expect(first.handled.size, 'handled before the kill').toBeLessThan(total);
        const second = await startConsumerProcess(under.consumerProcess(topic, 'killed'));
        processes.push(second);
        const delivered = () => new Set([...first.handled, ...second.handled]);
        await eventually(
          `every one of ${total} messages was handled by one of the processes`,
          () => delivered().size === total,
          under.redeliveryWithinMs + 60_000,
        ).catch(() => undefined);
        const lost = published.filter((m) => !delivered().has(m.id)).map((m) => (m.payload as Seq).seq);
        expect(lost, `${lost.length} of ${total} never delivered`).toEqual([]);
      } finally {
        for (const child of processes) child.kill();
        await Promise.all(processes.map((child) => child.exited));
      }
    }, 180_000);

    it('retries a message through a transient outage for longer than maxAttempts, without dead-lettering it', async () => {
      const topic = topicOf('outage');
      const dead: Delivery[] = [];
      await subscribe({
        topic: deadLetterTopic(topic),
        group: 'inspect',
        handler: async (d) => void dead.push(d),
      });
      let outage = 5;
      const handled: number[] = [];
      await subscribe({
        topic,
        group: 'patient',
        maxAttempts: 2,
        retryDelayMs: 5,
        isTransient: (error) => error instanceof Error && error.message === 'database unavailable',
        handler: async (d) => {
          if (outage-- > 0) throw new Error('database unavailable');
          handled.push((d.message.payload as Seq).seq);
        },
      });
      await under.bus.publish(topic, [message('k', 1), message('k', 2)]);
      await eventually('both messages are handled after the outage', () => handled.includes(2));
      expect([...new Set(handled)]).toEqual([1, 2]);
      expect(dead).toEqual([]);
    });

    it('starts an ephemeral group at the newest message, gives each such group every message, and deletes it on close', async () => {
      const topic = topicOf('ephemeral');
      const seqs = (deliveries: readonly Delivery[]) =>
        [...new Set(deliveries.map(seqOf))].sort((a, b) => a - b);
      // A durable group makes the topic on every broker, and sees when a publish has gone through.
      const durable: Delivery[] = [];
      await subscribe({ topic, group: 'durable', handler: async (d) => void durable.push(d) });
      await under.bus.publish(topic, [message('agent-1', 1), message('agent-2', 2)]);
      await eventually('the durable group got the messages before', () => durable.length >= 2);

      const first: Delivery[] = [];
      const second: Delivery[] = [];
      const a = await subscribe({
        topic,
        group: 'instance-a',
        ephemeral: true,
        handler: async (d) => void first.push(d),
      });
      await subscribe({
        topic,
        group: 'instance-b',
        ephemeral: true,
        handler: async (d) => void second.push(d),
      });
      await under.bus.publish(topic, [message('agent-1', 3), message('agent-2', 4), message('agent-3', 5)]);
      await eventually('both instances got the three new messages', () => {
        return seqs(first).length >= 3 && seqs(second).length >= 3;
      });
      expect(seqs(first)).toEqual([3, 4, 5]);
      expect(seqs(second)).toEqual([3, 4, 5]);

      // The durable group records its position after its handler returns: wait for it, so that
      // closing an ephemeral group is seen to leave it alone.
      await eventually('the durable group has a position', () => under.groupExists(topic, 'durable'));
      await a.close();
      expect(await under.groupExists(topic, 'instance-a'), 'the closed group is deleted').toBe(false);
      expect(await under.groupExists(topic, 'durable'), 'a durable group stays').toBe(true);
      await under.bus.publish(topic, [message('agent-1', 6)]);
      await eventually('the other instance got the message published meanwhile', () =>
        seqs(second).includes(6),
      );
      // The same name again (an instance id reused) starts afresh: nothing kept from while it was gone.
      const again: Delivery[] = [];
      await subscribe({
        topic,
        group: 'instance-a',
        ephemeral: true,
        handler: async (d) => void again.push(d),
      });
      await under.bus.publish(topic, [message('agent-1', 7)]);
      await eventually('the new subscription got the next message', () => seqs(again).includes(7));
      expect(seqs(again)).toEqual([7]);
    });

    it('moves a message that keeps failing to the dead-letter topic with the reason, and goes on', async () => {
      const topic = topicOf('poison');
      const dead: Delivery[] = [];
      await subscribe({
        topic: deadLetterTopic(topic),
        group: 'inspect',
        handler: async (d) => void dead.push(d),
      });
      const handled: number[] = [];
      const tries = new Map<number, number>();
      await subscribe({
        topic,
        group: 'strict',
        maxAttempts: 3,
        retryDelayMs: 10,
        handler: async (d) => {
          const { seq, poison } = d.message.payload as Seq;
          tries.set(seq, (tries.get(seq) ?? 0) + 1);
          if (poison) throw new Error(`cannot handle message ${seq}`);
          handled.push(seq);
        },
      });
      await under.bus.publish(topic, [message('k', 1), message('k', 2, { poison: true }), message('k', 3)]);
      await eventually('the poison message is dead-lettered and the next one handled', () => {
        return dead.length >= 1 && handled.includes(3);
      });
      const letter = dead[0]?.message.payload as DeadLetterPayload;
      expect(letter.topic).toBe(topic);
      expect(letter.group).toBe('strict');
      expect(letter.attempts).toBe(3);
      expect(letter.reason).toContain('cannot handle message 2');
      expect((letter.message.payload as Seq).seq).toBe(2);
      expect(tries.get(2)).toBeGreaterThanOrEqual(3);
      expect([...new Set(handled)]).toEqual([1, 3]);
    });
  });
}
