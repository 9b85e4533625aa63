import { type Bus, checkedMessage, type Subscription } from '@pronto/bus';
import { compileValidator, DialRequestV1 } from '@pronto/contracts';
import type { Logger } from '@pronto/telemetry';

/** The consumer group of every dialer on `dial-requests` (TOPOLOGY). */
export const DIALER_GROUP = 'dialer';

type DialRequest = DialRequestV1['payload'];

const validator = compileValidator(DialRequestV1.schema);

/**
 * A dialer's subscription to `dial-requests`, the same for every dialer: each message checked
 * against its contract, then handed to `originate` or `hangup`.
 */
export function subscribeDialRequests(
  bus: Bus,
  logger: Logger,
  handlers: {
    originate: (request: DialRequest) => Promise<void> | void;
    hangup: (request: DialRequest) => void;
    /** Failures to retry for as long as they last (the bus's `isTransient`). */
    isTransient?: (error: unknown) => boolean;
  },
): Promise<Subscription> {
  return bus.subscribe({
    topic: DialRequestV1.topic,
    group: DIALER_GROUP,
    ...(handlers.isTransient ? { isTransient: handlers.isTransient } : {}),
    handler: async ({ message }) => {
      const request = checkedMessage(validator, message, `${DialRequestV1.type} v1`).payload;
      if (request.action === 'originate') return handlers.originate(request);
      logger.info({ attemptId: request.attemptId, leadId: request.leadId }, 'hangup requested');
      handlers.hangup(request);
    },
  });
}
