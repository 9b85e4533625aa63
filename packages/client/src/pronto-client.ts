import {
  type EventAnswer,
  type EventBatchItemResult,
  type EventBatchResponse,
  type IntentEvent,
  type LeadView,
  MAX_BATCH_EVENTS,
  type Problem,
} from '@pronto/contracts';
import { signatureHeaders } from '@pronto/signature';
import { createDncMethods, type DncMethods, type Method, type Payload } from './dnc-methods.ts';
import { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
import { retryDelay } from './retry-delay.ts';
import { createSigningClock } from './signing-clock.ts';

export interface ProntoClientOptions {
  /** Where Pronto's /v1 paths live, e.g. https://pronto.example.com. */
  baseUrl: string;
  keyId: string;
  secret: string;
  fetch?: typeof globalThis.fetch;
  /** Now, in ms since the epoch: signatures carry it and HTTP-date Retry-After is measured from it. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first request, for 429, 502, 503, 504 and no answer at all. Default 5. */
  maxRetries?: number;
  /** Per request, answer body included. Default 10 s. */
  timeoutMs?: number;
  /** A number in [0, 1) for the backoff jitter. */
  random?: () => number;
}

export interface SentEvent {
  httpStatus: 202 | 200;
  answer: EventAnswer;
  /** Pronto already had this eventId (an earlier try got through, only its answer was lost). */
  replayed: boolean;
}

export interface ProntoClient extends DncMethods {
  sendEvent(event: IntentEvent): Promise<SentEvent>;
  /** Any number of events: sent 500 at a time, `results[i]` answers `events[i]`. */
  sendBatch(events: readonly IntentEvent[]): Promise<EventBatchResponse>;
  getLead(leadId: string): Promise<LeadView>;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

type Outcome =
  | { answered: true; status: number; json: unknown; retryAfter: string | null }
  | { answered: false; error: unknown };

/**
 * Signs and sends. A retry is signed again with a fresh timestamp (the old one may be minutes stale) but
 * carries the very same body, so the same eventId: if an earlier try was in fact stored, Pronto answers
 * 200 with the first answer and no second lead can come of it. A fresh timestamp is a later second than
 * the try before, so a retried write (a DNC DELETE) is never refused as a replay of itself.
 */
export function createProntoClient(options: ProntoClientOptions): ProntoClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Checked here so that a typo fails at once instead of being retried as a network error.
  const origin = new URL(options.baseUrl).href.replace(/\/+$/, '');
  const timestampFor = createSigningClock(clock);

  async function request(method: Method, path: string, payload?: Payload) {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await send(method, path, payload);
      if (outcome.answered && outcome.status < 300) return { status: outcome.status, json: outcome.json };
      const retryable = !outcome.answered || RETRYABLE.has(outcome.status);
      if (!retryable || attempt > maxRetries) {
        throw outcome.answered
          ? new ProntoApiError(outcome.status, asProblem(outcome.json), attempt)
          : new ProntoNetworkError(attempt, outcome.error);
      }
      const retryAfter = outcome.answered ? outcome.retryAfter : null;
      await sleep(retryDelay({ retry: attempt, retryAfter, nowMs: clock(), random }));
    }
  }

  async function send(method: Method, path: string, payload: Payload | undefined): Promise<Outcome> {
    const text = payload?.text ?? '';
    const headers: Record<string, string> = {
      ...signatureHeaders(options.keyId, options.secret, {
        timestamp: timestampFor(method, path, text),
        method,
        pathWithQuery: path,
        body: text,
      }),
      accept: 'application/json',
    };
    if (payload) headers['content-type'] = payload.contentType;
    try {
      const response = await doFetch(`${origin}${path}`, {
        method,
        headers,
        ...(text ? { body: text } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read the whole body under the same timeout: an answer cut off halfway is no answer.
      const raw = await response.text();
      return {
        answered: true,
        status: response.status,
        // A success Pronto cannot have meant (cut short, not JSON) throws here and is retried as no answer.
        json: response.status === 204 ? undefined : response.ok ? JSON.parse(raw) : safeParse(raw),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return {
        answered: false,
        error: timedOut ? new Error(`no answer within ${timeoutMs} ms`, { cause: error }) : error,
      };
    }
  }

  async function sendChunk(events: readonly IntentEvent[], offset: number): Promise<EventBatchResponse> {
    try {
      const { json } = await request('POST', '/v1/events:batch', jsonPayload({ events }));
      const answer = json as EventBatchResponse;
      return { ...answer, results: answer.results.map((item) => ({ ...item, index: item.index + offset })) };
    } catch (error) {
      // Many large events can pass Pronto's body limit though each one is fine: halve and send again.
      if (!(error instanceof ProntoApiError && error.status === 413 && events.length > 1)) throw error;
      const half = Math.ceil(events.length / 2);
      const first = await sendChunk(events.slice(0, half), offset);
      return merge([first, await sendChunk(events.slice(half), offset + half)]);
    }
  }

  return {
    async sendEvent(event) {
      const { status, json } = await request('POST', '/v1/events', jsonPayload(event));
      return {
        httpStatus: status === 200 ? 200 : 202,
        answer: json as EventAnswer,
        replayed: status === 200,
      };
    },
    async sendBatch(events) {
      const parts: EventBatchResponse[] = [];
      for (let offset = 0; offset < events.length; offset += MAX_BATCH_EVENTS) {
        parts.push(await sendChunk(events.slice(offset, offset + MAX_BATCH_EVENTS), offset));
      }
      return merge(parts);
    },
    async getLead(leadId) {
      const { json } = await request('GET', `/v1/leads/${encodeURIComponent(leadId)}`);
      return json as LeadView;
    },
    ...createDncMethods(request),
  };
}

const jsonPayload = (value: unknown): Payload => ({
  text: JSON.stringify(value),
  contentType: 'application/json',
});

function merge(parts: readonly EventBatchResponse[]): EventBatchResponse {
  return {
    accepted: parts.reduce((sum, part) => sum + part.accepted, 0),
    rejected: parts.reduce((sum, part) => sum + part.rejected, 0),
    results: parts.flatMap((part): EventBatchItemResult[] => part.results),
  };
}

function safeParse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A proxy in front of Pronto may answer 502 with HTML or its own JSON; only Pronto's problems count. */
function asProblem(json: unknown): Problem | undefined {
  const candidate = json as Partial<Problem> | undefined;
  return typeof candidate?.title === 'string' && typeof candidate.status === 'number'
    ? (candidate as Problem)
    : undefined;
}
