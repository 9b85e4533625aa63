import type { Bus } from './bus.ts';

/**
 * Prefixes every topic and consumer group, so several Pronto installations (staging and
 * production, or parallel test runs) can share one Kafka cluster or Pub/Sub project.
 */
export function withNamespace(bus: Bus, namespace: string): Bus {
  if (!namespace) return bus;
  const name = (topic: string) => `${namespace}.${topic}`;
  return {
    kind: bus.kind,
    publish: (topic, messages) => bus.publish(name(topic), messages),
    subscribe: (options) =>
      bus.subscribe({ ...options, topic: name(options.topic), group: name(options.group) }),
    close: () => bus.close(),
  };
}
