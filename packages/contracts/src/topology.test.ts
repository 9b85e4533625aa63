import { describe, expect, it } from 'vitest';
import * as contracts from './index.ts';
import { TOPOLOGY, type Topic } from './topology.ts';

/** The topic of every message contract the package exports. */
const messageTopics = new Set(
  Object.values(contracts).flatMap((value) =>
    typeof value === 'object' && value !== null && 'topic' in value && 'schema' in value
      ? [(value as { topic: string }).topic]
      : [],
  ),
);

describe('TOPOLOGY', () => {
  it('routes the topic of every message contract, and no topic without one', () => {
    expect([...messageTopics].sort()).toEqual(Object.keys(TOPOLOGY).sort());
  });

  it('names at least one producer and one reader of each topic', () => {
    for (const [topic, route] of Object.entries(TOPOLOGY)) {
      expect(route.producers.length, topic).toBeGreaterThan(0);
      expect(
        route.consumers.length + route.everyInstance.length + route.outside.length,
        topic,
      ).toBeGreaterThan(0);
    }
  });

  it('lists each group of a topic once', () => {
    for (const topic of Object.keys(TOPOLOGY) as Topic[]) {
      const groups = contracts.subscriptionsOf(topic);
      expect(new Set(groups).size, topic).toBe(groups.length);
    }
  });
});
