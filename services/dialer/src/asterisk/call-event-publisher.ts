import { randomUUID } from 'node:crypto';
import type { Bus } from '@pronto/bus';
import { CallEventV1, type DialRequestV1 } from '@pronto/contracts';
import type { Logger } from '@pronto/telemetry';
import type { CallUpdate } from './call-tracker.ts';

/** A call whose events cannot be published is retried this often, this many times, then given up. */
const RETRY_MS = 1_000;
const MAX_TRIES = 5;

type DialRequest = DialRequestV1['payload'];

export interface CallEventPublisher {
  /** Queues a call's updates; each attempt's events reach the bus in the order they were queued. */
  publish(request: DialRequest, updates: readonly CallUpdate[]): void;
  /** Resolves once everything queued so far is published or given up. */
  drain(): Promise<void>;
  /** Publishes nothing more (the dialer is stopping). */
  stop(): void;
}

/**
 * Publishes call events per attempt in order. A failed publish is sent again (the bus may have
 * taken it, so a consumer can see a phase twice; the dispatcher applies each phase once). After
 * the last try the attempt's events are dropped and the dispatcher's dial deadline ends it.
 */
export function createCallEventPublisher(bus: Bus, logger: Logger): CallEventPublisher {
  const chains = new Map<string, Promise<void>>();
  let stopped = false;

  async function send(request: DialRequest, events: CallEventV1[]): Promise<void> {
    for (let tries = 1; !stopped; tries += 1) {
      try {
        await bus.publish(CallEventV1.topic, events);
        return;
      } catch (error) {
        const ids = { attemptId: request.attemptId, leadId: request.leadId };
        if (tries >= MAX_TRIES) {
          logger.error({ err: error, ...ids }, 'could not publish call events; given up');
          return;
        }
        logger.warn({ err: error, ...ids }, 'could not publish call events; trying again');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  return {
    publish(request, updates) {
      if (stopped || updates.length === 0) return;
      const events = updates.map((update) => envelope(request, update));
      const previous = chains.get(request.attemptId) ?? Promise.resolve();
      const next = previous.then(() => send(request, events));
      chains.set(request.attemptId, next);
      next.finally(() => {
        if (chains.get(request.attemptId) === next) chains.delete(request.attemptId);
      });
    },
    async drain() {
      await Promise.allSettled([...chains.values()]);
    },
    stop() {
      stopped = true;
    },
  };
}

function envelope(request: DialRequest, update: CallUpdate): CallEventV1 {
  const { attemptId, leadId, tenantId, campaignId, agentId } = request;
  const at = update.at.toISOString();
  return {
    type: 'call.event',
    version: 1,
    id: randomUUID(),
    occurredAt: at,
    key: attemptId,
    payload: {
      attemptId,
      leadId,
      tenantId,
      campaignId,
      agentId,
      phase: update.phase,
      at,
      ...(update.outcome ? { outcome: update.outcome } : {}),
      ...(update.cause ? { cause: update.cause } : {}),
      ...(update.causeCode !== undefined ? { causeCode: update.causeCode } : {}),
      ...(update.hangupBy ? { hangupBy: update.hangupBy } : {}),
      ...(update.uniqueId ? { uniqueId: update.uniqueId } : {}),
      linkedId: update.linkedId,
    },
  };
}
