import { randomUUID } from 'node:crypto';
import {
  createProntoClient,
  ProntoApiError,
  type ProntoClientOptions,
  ProntoNetworkError,
} from '@pronto/client';
import { buildTestEvent } from '@pronto/client/send-event-cli';
import type { IntentEvent } from '@pronto/contracts';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { freePort } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type FrontDoor as FakePronto, startFrontDoor } from './front-door.ts';

// One real intake app on a real database for the file; each test gets its own front door to it.
let h: Harness;
let KEY: { keyId: string; secret: string };
beforeAll(async () => {
  h = await startHarness();
  KEY = { keyId: h.keyId, secret: h.secret };
});
afterAll(async () => h.close());

const startFakePronto = (options: {
  keyId: string;
  secret: string;
  now: () => number;
  port?: number;
  maxBodyBytes?: number;
}) => startFrontDoor({ app: h.app, ...options });

/** The real API behind a front door, and a client, sharing the API's fake clock; the client's sleeps move it and are recorded. */
async function setup(options: Partial<ProntoClientOptions> & { maxBodyBytes?: number } = {}) {
  const clock = h.clock;
  const { maxBodyBytes, ...clientOptions } = options;
  const fake = await startFakePronto({
    ...KEY,
    now: () => clock.ms,
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  onTestFinished(() => fake.close());
  const sleeps: number[] = [];
  const client = createProntoClient({
    baseUrl: fake.url,
    ...KEY,
    clock: () => clock.ms,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.ms += ms;
    },
    random: () => 0.5,
    ...clientOptions,
  });
  return { fake, client, sleeps, clock };
}

let phone = 0;
function event(overrides: Partial<IntentEvent> = {}): IntentEvent {
  phone += 1;
  return {
    ...buildTestEvent({
      eventId: `evt_${randomUUID()}`,
      phone: `+48 601 ${String(100_000 + phone).slice(-6)}`,
      campaign: 'cash-loan',
      amount: 20_000,
      consent: true,
    }),
    ...overrides,
  };
}

const sentBodies = (fake: FakePronto) => fake.requests.map((request) => request.body);

describe('createProntoClient', () => {
  it('signs POSTs and GETs so that Pronto verifies them', async () => {
    const { fake, client } = await setup();
    const first = event();
    const sent = await client.sendEvent(first);
    expect(sent).toEqual({
      httpStatus: 202,
      replayed: false,
      answer: { eventId: first.eventId, leadId: expect.any(String), status: 'accepted' },
    });
    const lead = await client.getLead(sent.answer.leadId);
    expect(lead).toMatchObject({ id: sent.answer.leadId, campaign: 'cash-loan', status: 'received' });
    expect(fake.requests.map(({ method, path, signed }) => ({ method, path, signed }))).toEqual([
      { method: 'POST', path: '/v1/events', signed: true },
      { method: 'GET', path: `/v1/leads/${sent.answer.leadId}`, signed: true },
    ]);
    expect(JSON.parse(fake.requests[0]?.body ?? '')).toEqual(first);
    expect(fake.requests[1]?.body).toBe('');
  });

  it('waits exactly Retry-After on 429, then sends the very same body, signed afresh', async () => {
    const { fake, client, sleeps } = await setup();
    fake.faults.push({ kind: 'answer', status: 429, retryAfter: '2' });
    const first = event();
    const sent = await client.sendEvent(first);
    expect(sent).toMatchObject({ httpStatus: 202, replayed: false });
    expect(sleeps).toEqual([2000]);
    const [before, after] = fake.requests;
    expect(after?.body).toBe(before?.body);
    expect(JSON.parse(after?.body ?? '').eventId).toBe(first.eventId);
    expect(Number(after?.timestamp)).toBe(Number(before?.timestamp) + 2);
    expect(after?.signed).toBe(true);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const { fake, client, sleeps, clock } = await setup();
    fake.faults.push({ kind: 'answer', status: 503, retryAfter: new Date(clock.ms + 7_000).toUTCString() });
    await client.sendEvent(event());
    expect(sleeps).toEqual([7000]);
  });

  it('reports a replay when the first try was stored but answered 503', async () => {
    const { fake, client } = await setup();
    fake.faults.push({ kind: 'answer', status: 503, retryAfter: '1', afterStoring: true });
    const sent = await client.sendEvent(event());
    expect(sent).toMatchObject({ httpStatus: 200, replayed: true, answer: { status: 'accepted' } });
    expect(new Set(sentBodies(fake)).size).toBe(1);
    // The stored lead is the one the replay names: no second lead was made.
    await expect(client.getLead(sent.answer.leadId)).resolves.toMatchObject({ intents: 1 });
  });

  it('signs a retried DNC write anew, so Pronto answers it instead of refusing a replay', async () => {
    const { fake, client, sleeps } = await setup();
    expect((await client.addToDnc('+48 601 999 001')).created).toBe(true);
    // Pronto took the DELETE, but its answer was lost; the retry comes 125 ms later, in the same second.
    fake.faults.push({ kind: 'answer', status: 503, retryAfter: '0', afterStoring: true });
    expect(await client.removeFromDnc('+48 601 999 001')).toBe(false);
    expect(sleeps.at(-1)).toBeLessThan(1_000);
    const deletes = fake.requests.filter((request) => request.method === 'DELETE');
    expect(deletes).toHaveLength(2);
    expect(deletes.every((request) => request.signed)).toBe(true);
    expect(Number(deletes[1]?.timestamp)).toBeGreaterThan(Number(deletes[0]?.timestamp));
    // Listed again and removed again at once: a new request each time, taken each time.
    expect((await client.addToDnc('+48 601 999 001')).created).toBe(true);
    expect(await client.removeFromDnc('+48 601 999 001')).toBe(true);
    expect(await client.getDncEntry('+48 601 999 001')).toBeNull();
  });

  it('retries when the answer is cut off halfway, and gets the first answer back', async () => {
    const { fake, client, sleeps } = await setup();
    fake.faults.push({ kind: 'drop', afterStoring: true });
    const sent = await client.sendEvent(event());
    expect(sent).toMatchObject({ httpStatus: 200, replayed: true });
    expect(sleeps).toEqual([125]);
  });

  it('retries a dropped connection', async () => {
    const { fake, client, sleeps } = await setup();
    fake.faults.push({ kind: 'drop' }, { kind: 'drop' });
    const sent = await client.sendEvent(event());
    expect(sent.httpStatus).toBe(202);
    expect(sleeps).toEqual([125, 250]);
    expect(new Set(sentBodies(fake)).size).toBe(1);
  });

  it('retries a refused connection until Pronto is up', async () => {
    const clock = h.clock;
    const port = await freePort();
    let fake: FakePronto | undefined;
    const client = createProntoClient({
      baseUrl: `http://127.0.0.1:${port}`,
      ...KEY,
      clock: () => clock.ms,
      // Pronto comes up while the client waits to retry.
      sleep: async () => {
        fake ??= await startFakePronto({ ...KEY, now: () => clock.ms, port });
      },
    });
    onTestFinished(() => fake?.close());
    const sent = await client.sendEvent(event());
    expect(sent.httpStatus).toBe(202);
    expect(fake?.requests).toHaveLength(1);
  });

  it('retries a request that gets no answer within timeoutMs', async () => {
    const { fake, client, sleeps } = await setup({ timeoutMs: 200 });
    fake.faults.push({ kind: 'hang' });
    const sent = await client.sendEvent(event());
    expect(sent.httpStatus).toBe(202);
    // The first request hung; on a loaded machine a later one may time out too, and is retried alike.
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(fake.requests).toHaveLength(sleeps.length + 1);
    expect(new Set(sentBodies(fake)).size).toBe(1);
  });

  it('backs off exponentially with full jitter from 250 ms, never more than 30 s', async () => {
    const { fake, client, sleeps } = await setup({ maxRetries: 9, random: () => 0.999 });
    for (const status of [502, 504, 503, 502, 504, 503, 502, 504])
      fake.faults.push({ kind: 'answer', status });
    fake.faults.push({ kind: 'drop' });
    await expect(client.sendEvent(event())).resolves.toMatchObject({ httpStatus: 202 });
    expect(sleeps).toEqual([249, 499, 999, 1998, 3996, 7992, 15984, 29970, 29970]);
  });

  it('does not retry a 400, and names every bad field', async () => {
    const { fake, client, sleeps } = await setup();
    const bad = { ...event(), campaign: '', person: { phone: '1' } };
    const error = await client.sendEvent(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProntoApiError);
    expect(error).toMatchObject({ status: 400, attempts: 1, fields: ['campaign', 'person.phone'] });
    expect((error as Error).message).toMatch(
      /^Pronto answered 400: The request has invalid fields .*\[campaign: .*person\.phone: /,
    );
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['401 for a wrong secret', 401],
    ['404 for an unknown lead', 404],
    ['409 for an eventId reused with another body', 409],
    ['413 for a body over the limit', 413],
  ])('does not retry %s', async (_, status) => {
    const { fake, client, sleeps } = await setup({
      ...(status === 401 ? { secret: 'not-the-secret' } : {}),
      ...(status === 413 ? { maxBodyBytes: 100 } : {}),
    });
    const first = event();
    if (status === 409) await client.sendEvent(first);
    const attempt =
      status === 404
        ? client.getLead(randomUUID())
        : client.sendEvent(status === 409 ? { ...first, type: 'application_started' } : first);
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ProntoApiError', status, attempts: 1, problem: { status } });
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(status === 409 ? 2 : 1);
  });

  it('gives up after maxRetries, saying how many attempts it made', async () => {
    const { fake, client, sleeps } = await setup({ maxRetries: 2 });
    fake.faults.push(...Array.from({ length: 5 }, () => ({ kind: 'answer' as const, status: 503 })));
    const error = await client.sendEvent(event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProntoApiError);
    expect(error).toMatchObject({
      status: 503,
      attempts: 3,
      message: expect.stringMatching(/after 3 attempts$/),
    });
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);

    const nobody = createProntoClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      ...KEY,
      maxRetries: 2,
      sleep: async () => {},
    });
    const unreachable = await nobody.sendEvent(event()).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(ProntoNetworkError);
    expect(unreachable).toMatchObject({
      attempts: 3,
      message: expect.stringMatching(/^Pronto could not be reached \(3 attempts\): .*ECONNREFUSED/),
    });
  });

  it("sends 1,200 events as 3 requests and answers each at the caller's position", async () => {
    const { fake, client } = await setup();
    const events = Array.from({ length: 1200 }, () => event());
    events[742] = { ...event(), person: { phone: '1' } };
    const answer = await client.sendBatch(events);
    expect(fake.requests.map((request) => JSON.parse(request.body).events.length)).toEqual([500, 500, 200]);
    expect(answer.results.map((result) => result.index)).toEqual([...Array(1200).keys()]);
    expect(answer.results.map((result) => result.eventId)).toEqual(events.map((e) => e.eventId));
    expect(answer).toMatchObject({ accepted: 1199, rejected: 1 });
    expect(answer.results[742]).toMatchObject({
      status: 400,
      problem: { errors: [{ field: 'person.phone' }] },
    });
  });

  it("halves a batch that is over Pronto's body limit, keeping the caller's positions", async () => {
    const events = Array.from({ length: 500 }, () => event());
    const maxBodyBytes = Buffer.byteLength(JSON.stringify({ events: events.slice(0, 300) }));
    const { fake, client } = await setup({ maxBodyBytes });
    const answer = await client.sendBatch(events);
    expect(fake.requests.map((request) => JSON.parse(request.body).events.length)).toEqual([500, 250, 250]);
    expect(answer.accepted).toBe(500);
    expect(answer.results.map((result) => result.index)).toEqual([...Array(500).keys()]);
    expect(answer.results[499]?.eventId).toBe(events[499]?.eventId);
  });
});
