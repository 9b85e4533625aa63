import { randomUUID } from 'node:crypto';
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

export function errorReason(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2_000);
  return String(error).slice(0, 2_000);
}
