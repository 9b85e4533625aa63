import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleEvent, type Harness, startHarness } from '@pronto/ingest/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
import { createProntoClient } from './pronto-client.ts';
import { sendEventCli } from './send-event-cli.ts';

/**
 * The real intake app behind a front door that can answer the next requests itself (429, 503, or
 * by dropping the connection) before letting requests through, to see what the client does.
 */
let h: Harness;
let server: Server;
let baseUrl: string;
let script: Array<{ status: number; retryAfter?: string } | 'drop'> = [];
let seen: Array<{ body: string; timestamp: string | undefined }> = [];

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
  });

beforeAll(async () => {
  h = await startHarness();
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    seen.push({ body, timestamp: request.headers['pronto-timestamp'] as string | undefined });
    const next = script.shift();
    if (next === 'drop') return request.socket.destroy();
    if (next) {
      response.writeHead(next.status, {
        'content-type': 'application/problem+json',
        ...(next.retryAfter ? { 'retry-after': next.retryAfter } : {}),
      });
      return response.end(JSON.stringify({ type: '/problems/x', title: 'scripted', status: next.status }));
    }
    const answer = await h.app.inject({
      method: request.method as 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      payload: body || undefined,
    });
    response.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type']) });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await h.close();
});
beforeEach(() => {
  script = [];
  seen = [];
});

function client(overrides: { maxRetries?: number } = {}) {
  const sleeps: number[] = [];
  const c = createProntoClient({
    baseUrl,
    keyId: h.keyId,
    secret: h.secret,
    clock: () => h.clock.ms,
    sleep: async (ms) => {
      sleeps.push(ms);
      h.clock.ms += ms;
    },
    random: () => 0.5,
    ...overrides,
  });
  return { c, sleeps };
}

describe('the Node client', () => {
  it('signs events and lead reads so that the real API accepts them', async () => {
    const { c } = client();
    const sent = await c.sendEvent(exampleEvent({ person: { phone: '+48 600 100 001' } }));
    expect(sent).toMatchObject({ httpStatus: 202, replayed: false, answer: { status: 'accepted' } });
    const lead = await c.getLead(sent.answer.leadId);
    expect(lead).toMatchObject({ id: sent.answer.leadId, campaign: 'cash-loan' });
  });

  it('waits exactly Retry-After on 429, then sends the same body again, freshly signed', async () => {
    const { c, sleeps } = client();
    script = [{ status: 429, retryAfter: '2' }];
    const event = exampleEvent({ person: { phone: '+48 600 100 002' } });
    const sent = await c.sendEvent(event);
    expect(sent.httpStatus).toBe(202);
    expect(sleeps).toEqual([2000]);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.body).toBe(seen[0]?.body);
    expect(JSON.parse(seen[1]?.body ?? '').eventId).toBe(event.eventId);
    expect(Number(seen[1]?.timestamp)).toBe(Number(seen[0]?.timestamp) + 2);
  });

  it('reports a replay when an earlier try had been stored but its answer was lost', async () => {
    const { c } = client();
    const event = exampleEvent({ person: { phone: '+48 600 100 003' } });
    await c.sendEvent(event); // stored; pretend the answer never arrived
    script = [{ status: 503, retryAfter: '5' }];
    const again = await c.sendEvent(event);
    expect(again).toMatchObject({ httpStatus: 200, replayed: true });
  });

  it('retries a dropped connection with backoff', async () => {
    const { c, sleeps } = client();
    script = ['drop', 'drop'];
    const sent = await c.sendEvent(exampleEvent({ person: { phone: '+48 600 100 004' } }));
    expect(sent.httpStatus).toBe(202);
    expect(sleeps).toEqual([125, 250]);
  });

  it('does not retry a 400, and says which fields are wrong', async () => {
    const { c, sleeps } = client();
    const error = await c.sendEvent({ ...exampleEvent(), person: { phone: '12' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProntoApiError);
    expect((error as ProntoApiError).status).toBe(400);
    expect((error as ProntoApiError).message).toContain('person.phone');
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxRetries, saying how many attempts it made', async () => {
    const { c } = client({ maxRetries: 2 });
    script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
    const error = await c.sendEvent(exampleEvent()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, attempts: 3 });
    const unreachable = createProntoClient({
      baseUrl: 'http://127.0.0.1:1',
      keyId: 'k',
      secret: 's',
      maxRetries: 1,
      sleep: async () => {},
    });
    expect(await unreachable.sendEvent(exampleEvent()).catch((e: unknown) => e)).toBeInstanceOf(
      ProntoNetworkError,
    );
  });

  it('splits 1,200 events into requests of 500 and indexes results as given', async () => {
    const { c } = client();
    const events = Array.from({ length: 1200 }, (_, i) =>
      exampleEvent({ person: { phone: `+48 6${String(20_000 + i).padStart(8, '0')}` } }),
    );
    const result = await c.sendBatch(events);
    expect(seen).toHaveLength(3);
    expect(result.accepted).toBe(1200);
    expect(result.results.map((r) => r.index)).toEqual([...Array(1200).keys()]);
    expect(result.results[1199]?.eventId).toBe(events[1199]?.eventId);
  });
});

describe('npm run send-event', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it('sends a signed event and prints the lead id', async () => {
    const { out, io: streams } = io();
    // The CLI signs with the wall clock; move the server's clock there.
    h.clock.ms = Date.now();
    const code = await sendEventCli({
      argv: ['--phone', '+48 601 555 111', '--url', baseUrl, '--key-id', h.keyId, '--secret', h.secret],
      env: {},
      ...streams,
    });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^202 \{.*"status":"accepted"/);
    expect(out[1]).toMatch(/GET .*\/v1\/leads\/[0-9a-f-]{36}$/);
  });

  it('refuses an unknown flag with usage and exit code 2', async () => {
    const { err, io: streams } = io();
    expect(
      await sendEventCli({ argv: ['--phone', '+48601555111', '--colour', 'red'], env: {}, ...streams }),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/Unknown option '--colour'[\s\S]*Usage/);
  });
});
