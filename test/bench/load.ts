import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { signatureHeaders } from '@pronto/signature';

export const BENCH_KEY = { keyId: 'demo-key', secret: 'bench-secret-0123456789abcdef' } as const;

const run = randomBytes(3).toString('hex');
let sequence = 0;
let poisonEvery = 0;

/**
 * From now on every `n`th event is one intake must refuse (a NUL in person.name, which the database
 * cannot store: 400 naming the field); 0 for none. Its neighbours must not be slowed by it.
 */
export function setPoisonEvery(n: number): void {
  poisonEvery = n;
}

/**
 * A realistic event body (~600 bytes) with a unique eventId and a unique phone, so every request
 * creates a new event, a new lead and an outbox row: the full write path, never the replay shortcut.
 */
export function nextEventBody(): string {
  sequence += 1;
  const n = sequence;
  const now = new Date().toISOString();
  return (
    `{"eventId":"bench-${run}-${n}","type":"offer_check","occurredAt":"${now}","campaign":"cash-loan",` +
    `"person":{"phone":"+48 6${String(n % 100_000_000).padStart(8, '0')}","name":"Jan${poisonEvery > 0 && n % poisonEvery === 0 ? '\\u0000' : ' '}Kowalski","locale":"pl-PL",` +
    `"timeZone":"Europe/Warsaw","customerId":"cust-${n}"},` +
    `"consent":{"phoneContact":true,"capturedAt":"${now}","source":"offer-form-v3"},` +
    `"offer":{"product":"cash_loan","amount":20000,"currency":"PLN","termMonths":36,"eligibility":"pre_approved"},` +
    `"context":{"pageUrl":"https://bank.example/kredyt-gotowkowy?utm_source=google&utm_medium=cpc&utm_campaign=autumn",` +
    `"visits":3,"secondsOnPage":140,"utmSource":"google","device":"mobile","referrer":"https://www.google.com/"}}`
  );
}

/**
 * One signed POST /v1/events; resolves with the status code (0 on a network error). `onBody`, when
 * given, gets the answer's body (the pipeline bench needs the lead id).
 */
export function postEvent(url: URL, agent: Agent, onBody?: (body: string) => void): Promise<number> {
  const body = nextEventBody();
  // Signed per request: the timestamp is part of the signature.
  const headers = signatureHeaders(BENCH_KEY.keyId, BENCH_KEY.secret, {
    timestamp: Math.floor(Date.now() / 1000),
    method: 'POST',
    pathWithQuery: '/v1/events',
    body,
  });
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/v1/events',
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        if (onBody) res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        else res.resume();
        res.on('end', () => {
          onBody?.(text);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Microseconds the generator spends building and signing one request (no I/O). */
export function signingCostMicros(iterations = 20_000): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) {
    const body = nextEventBody();
    signatureHeaders(BENCH_KEY.keyId, BENCH_KEY.secret, {
      timestamp: Math.floor(Date.now() / 1000),
      method: 'POST',
      pathWithQuery: '/v1/events',
      body,
    });
  }
  return ((performance.now() - start) * 1000) / iterations;
}

export interface LoadResult {
  mode: 'closed' | 'open';
  /** Closed loop: requests in flight; open loop: the requested rate per second. */
  concurrency?: number;
  targetRate?: number;
  seconds: number;
  /** 2xx answers counted in the window. */
  ok: number;
  /** Everything else, by status ("0" = network error). */
  rejected: Record<string, number>;
  perSecond: number;
  /** Latency of the 2xx answers, ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Open loop only: how late the generator sent, ms (should stay near 0, or the generator is the limit). */
  sendLagP99?: number;
}

class Recorder {
  private latencies = new Float64Array(1 << 16);
  private count = 0;
  ok = 0;
  rejected: Record<string, number> = {};

  record(status: number, latencyMs: number) {
    if (status >= 200 && status < 300) {
      this.ok += 1;
      if (this.count === this.latencies.length) {
        const grown = new Float64Array(this.latencies.length * 2);
        grown.set(this.latencies);
        this.latencies = grown;
      }
      this.latencies[this.count++] = latencyMs;
    } else {
      this.rejected[status] = (this.rejected[status] ?? 0) + 1;
    }
  }

  summary() {
    const sorted = this.latencies.subarray(0, this.count).sort();
    const at = (q: number) =>
      sorted.length === 0
        ? Number.NaN
        : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN);
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      ok: this.ok,
      rejected: this.rejected,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
      mean: sorted.length ? sum / sorted.length : Number.NaN,
    };
  }
}

/** Runs after the warm-up, when the measured window opens (to start CPU meters there). */
type OnWindow = (phase: 'start' | 'end') => void;

/**
 * Closed loop: `concurrency` senders on a keep-alive agent with as many sockets, each sending the next
 * event as soon as the last one is answered. Answers that arrive inside the window (after the warm-up)
 * count; the rate is those 2xx answers divided by the window.
 */
export async function closedLoop(
  baseUrl: string,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  onWindow?: OnWindow,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const recorder = new Recorder();
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;
  const windowTimers = [
    setTimeout(() => onWindow?.('start'), warmupMs),
    setTimeout(() => onWindow?.('end'), warmupMs + durationMs),
  ];
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < windowEnd) {
          const sent = performance.now();
          const status = await postEvent(url, agent);
          const done = performance.now();
          if (done >= windowStart && done < windowEnd) recorder.record(status, done - sent);
        }
      }),
    );
  } finally {
    for (const timer of windowTimers) clearTimeout(timer);
    agent.destroy();
  }
  const summary = recorder.summary();
  return {
    mode: 'closed',
    concurrency,
    seconds: durationMs / 1000,
    perSecond: summary.ok / (durationMs / 1000),
    ...summary,
  };
}

/**
 * Open loop at a fixed rate: request i is due at start + i / rate whether or not earlier ones were
 * answered, and its latency counts from that scheduled time, not from when it actually left, so a
 * stall shows in the percentiles instead of quietly slowing the generator (coordinated omission).
 * Requests scheduled during the warm-up are sent but not counted.
 */
export async function openLoop(
  baseUrl: string,
  ratePerSecond: number,
  warmupMs: number,
  durationMs: number,
  onWindow?: OnWindow,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const recorder = new Recorder();
  const interval = 1000 / ratePerSecond;
  const start = performance.now() + 20;
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;
  const lags: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let windowOpen = false;
  let next = 0;
  try {
    for (;;) {
      const now = performance.now();
      if (!windowOpen && now >= windowStart) {
        windowOpen = true;
        onWindow?.('start');
      }
      let scheduled = start + next * interval;
      if (scheduled >= windowEnd) break;
      while (scheduled <= now && scheduled < windowEnd) {
        const due = scheduled;
        const counted = due >= windowStart;
        if (counted) lags.push(now - due);
        const sending = postEvent(url, agent).then((status) => {
          if (counted) recorder.record(status, performance.now() - due);
        });
        inFlight.add(sending);
        void sending.finally(() => inFlight.delete(sending));
        next += 1;
        scheduled = start + next * interval;
      }
      const wait = Math.max(0, scheduled - performance.now());
      await new Promise((resolve) => setTimeout(resolve, wait >= 1 ? Math.floor(wait) : 0));
    }
    onWindow?.('end');
    await Promise.race([
      Promise.all(inFlight),
      new Promise((resolve) => setTimeout(resolve, 30_000).unref()),
    ]);
  } finally {
    agent.destroy();
  }
  lags.sort((a, b) => a - b);
  const summary = recorder.summary();
  return {
    mode: 'open',
    targetRate: ratePerSecond,
    seconds: durationMs / 1000,
    perSecond: summary.ok / (durationMs / 1000),
    sendLagP99: lags[Math.max(0, Math.ceil(lags.length * 0.99) - 1)] ?? 0,
    ...summary,
  };
}
