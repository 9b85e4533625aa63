import { randomUUID } from 'node:crypto';
import { scrubMessage } from '@pronto/telemetry';
import type { BusMessage } from './bus.ts';

export interface DeadLetterPayload {
  readonly topic: string;
  readonly group: string;
  readonly reason: string;
  readonly attempts: number;
  readonly message: BusMessage;
}

/** The envelope put on `<topic>.dead-letter`: the original message, who gave up on it, and why. */
export function deadLetter(payload: DeadLetterPayload, now: Date): BusMessage {
  return {
    id: randomUUID(),
    type: 'bus.dead-letter',
    version: 1,
    occurredAt: now.toISOString(),
    key: payload.message.key,
    payload,
  };
}

/**
 * Why a message failed, for a log line and the dead-letter envelope: the error's name and its
 * message without the values a database message can echo (see scrubMessage).
 */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${scrubMessage(error.message)}`;
  return scrubMessage(String(error));
}
