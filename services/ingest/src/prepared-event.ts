import type { EventAnswer, IntentEvent } from '@pronto/contracts';

/** A valid event, resolved against its tenant, ready to be written. */
export interface PreparedEvent {
  tenantId: string;
  campaignId: string;
  eventId: string;
  type: string;
  occurredAt: string;
  /** SHA-256 of the canonical JSON: same content, same hash. */
  bodyHash: string;
  /** The body as received (for a batch item, its JSON text). */
  rawBody: string;
  phoneE164: string;
  name: string | null;
  timeZone: string | null;
  suppression: 'no_consent' | null;
  event: IntentEvent;
}

/** 202 for a new event, 200 for a replay of a stored one, 409 for an eventId reused with other content. */
export type WriteOutcome =
  | { kind: 'accepted'; answer: EventAnswer }
  | { kind: 'replayed'; answer: EventAnswer }
  | { kind: 'conflict'; eventId: string };
