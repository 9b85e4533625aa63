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
import { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';

export interface ProntoClientOptions {
  /** e.g. https://pronto.example.com */
  baseUrl: string;
  keyId: string;
  secret: string;
  fetch?: typeof globalThis.fetch;
  /** Now, in ms since the epoch; signatures carry it. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt for 429, 502, 503, 504 and network errors. */
  maxRetries?: number;
  timeoutMs?: number;
  /** Random number in [0, 1) for backoff jitter. */
  random?: () => number;
}

export interface SentEvent {
  httpStatus: 202 | 200;
  answer: EventAnswer;
  /** true when Pronto had already stored this eventId (a retry of an earlier try that got through). */
  replayed: boolean;
}

export interface ProntoClient {
  sendEvent(event: IntentEvent): Promise<SentEvent>;
  /** Any number of events; sent in requests of up to 500, results indexed as given. */
  sendBatch(events: readonly IntentEvent[]): Promise<EventBatchResponse>;
  getLead(leadId: string): Promise<LeadView>;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;

/**
 * Signs and sends. A retry re-signs with a fresh timestamp but sends the very same body, so the same
 * eventId: Pronto answers 200 with the first answer if an earlier try was stored, never a second lead.
 */
export function createProntoClient(options: ProntoClientOptions): ProntoClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const text = body === undefined ? '' : JSON.stringify(body);
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        const timestamp = Math.floor(clock() / 1000);
        response = await doFetch(`${base}${path}`, {
          method,
          headers: {
            ...signatureHeaders(options.keyId, options.secret, {
              timestamp,
              method,
              pathWithQuery: path,
              body: text,
            }),
            ...(text ? { 'content-type': 'application/json' } : {}),
            accept: 'application/json',
          },
          ...(text ? { body: text } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (attempt > maxRetries) throw new ProntoNetworkError(attempt, error);
        await sleep(backoff(attempt));
        continue;
      }
      const json = await response.json().catch(() => undefined);
      if (response.ok) return { status: response.status, json };
      if (!RETRYABLE.has(response.status) || attempt > maxRetries) {
        throw new ProntoApiError(response.status, json as Problem | undefined, attempt);
      }
      await sleep(retryAfterMs(response.headers.get('retry-after')) ?? backoff(attempt));
    }
  }

  /** Exponential backoff with full jitter: spreads out many clients that failed at once. */
  function backoff(attempt: number): number {
    return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)));
  }

  function retryAfterMs(header: string | null): number | undefined {
    if (!header) return undefined;
    if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - clock());
  }

  return {
    async sendEvent(event) {
      const { status, json } = await request('POST', '/v1/events', event);
      return { httpStatus: status as 202 | 200, answer: json as EventAnswer, replayed: status === 200 };
    },
    async sendBatch(events) {
      const results: EventBatchItemResult[] = [];
      for (let offset = 0; offset < events.length; offset += MAX_BATCH_EVENTS) {
        const chunk = events.slice(offset, offset + MAX_BATCH_EVENTS);
        const { json } = await request('POST', '/v1/events:batch', { events: chunk });
        for (const result of (json as EventBatchResponse).results)
          results.push({ ...result, index: result.index + offset });
      }
      const accepted = results.filter((result) => result.status < 300).length;
      return { accepted, rejected: results.length - accepted, results };
    },
    async getLead(leadId) {
      return (await request('GET', `/v1/leads/${encodeURIComponent(leadId)}`)).json as LeadView;
    },
  };
}
