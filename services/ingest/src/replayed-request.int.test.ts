import { type Database, openDatabase } from '@pronto/db';
import { createUsedSignatures } from '@pronto/http';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import type { TestDatabase } from '@pronto/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from './app.ts';
import { exampleEvent, type Harness, startHarness } from './testing/ingest-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ deps: { usedSignatureSweepMs: 0 } });
});
afterAll(async () => h.close());

type Method = 'PUT' | 'DELETE' | 'POST' | 'GET';

/** A signed request as a client would send it, kept whole so that a test can send the very same bytes again. */
function signed(
  method: Method,
  path: string,
  body?: unknown,
  keyId = h.keyId,
  secret = h.secret,
): InjectOptions {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers = signatureHeaders(keyId, secret, {
    timestamp: Math.floor(h.clock.ms / 1000),
    method,
    pathWithQuery: path,
    body: payload,
  });
  return {
    method,
    url: path,
    headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { payload } : {}),
  };
}

const dnc = (phone: string) => `/v1/dnc/${encodeURIComponent(phone)}`;
const listed = async (phone: string) =>
  (
    await h.db.sql.query('SELECT 1 FROM dnc_entry WHERE tenant_id = $1 AND phone_e164 = $2', [
      h.tenantId,
      phone,
    ])
  ).length === 1;
const usedRows = async () =>
  Number((await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM used_signature'))[0]?.n);

function expectReplayProblem(answer: Awaited<ReturnType<FastifyInstance['inject']>>) {
  expect(answer.statusCode).toBe(409);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.json()).toMatchObject({
    type: '/problems/replayed-request',
    title: 'This signed request was already received',
    status: 409,
  });
}

describe('a replayed signature on a state-changing request', () => {
  it('refuses the captured DNC DELETE replayed after the number was listed again; the number stays listed', async () => {
    const phone = '+48601234001';
    expect((await h.app.inject(signed('PUT', dnc(phone), { reason: 'asked' }))).statusCode).toBe(201);
    h.clock.ms += 10_000;
    const captured = signed('DELETE', dnc(phone));
    expect((await h.app.inject(captured)).statusCode).toBe(204);
    h.clock.ms += 20_000;
    expect((await h.app.inject(signed('PUT', dnc(phone), { reason: 'asked again' }))).statusCode).toBe(201);
    h.clock.ms += 30_000;

    expectReplayProblem(await h.app.inject(captured));
    expect(await listed(phone)).toBe(true);
    const read = await h.app.inject(signed('GET', dnc(phone)));
    expect(read.json()).toMatchObject({ phone, reason: 'asked again' });
  });

  it('cannot be dodged by spelling the same signature differently in the header', async () => {
    const phone = '+48601234002';
    expect((await h.app.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);
    h.clock.ms += 1_000;
    const captured = signed('DELETE', dnc(phone));
    expect((await h.app.inject(captured)).statusCode).toBe(204);
    expect((await h.app.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);
    const header = String(captured.headers?.['pronto-signature']);
    for (const variant of [header.toUpperCase().replace('V1=', 'v1='), `${header}0`, `v1=00, ${header}`]) {
      expectReplayProblem(
        await h.app.inject({ ...captured, headers: { ...captured.headers, 'pronto-signature': variant } }),
      );
    }
    expect(await listed(phone)).toBe(true);
  });

  it('refuses a replay after the window as before (timestamp); the same request signed anew is taken', async () => {
    const phone = '+48601234003';
    expect((await h.app.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);
    h.clock.ms += 1_000;
    const captured = signed('DELETE', dnc(phone));
    expect((await h.app.inject(captured)).statusCode).toBe(204);
    expect((await h.app.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);

    h.clock.ms += 301_000;
    const late = await h.app.inject(captured);
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ type: '/problems/unauthorized' });
    expect(await listed(phone)).toBe(true);

    // The owner deleting the number again signs a new request: a new timestamp, a new signature.
    expect((await h.app.inject(signed('DELETE', dnc(phone)))).statusCode).toBe(204);
    expect(await listed(phone)).toBe(false);
  });

  it('answers a resent event and batch with the first answer: intake is idempotent by eventId', async () => {
    const event = exampleEvent({ person: { ...exampleEvent().person, phone: '+48601234004' } });
    const request = signed('POST', '/v1/events', event);
    const first = await h.app.inject(request);
    expect(first.statusCode).toBe(202);
    // A client that lost the answer sends the very same bytes again, signature and all.
    const again = await h.app.inject(request);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());

    const batch = signed('POST', '/v1/events:batch', {
      events: [exampleEvent({ person: { ...event.person } })],
    });
    const firstBatch = await h.app.inject(batch);
    expect(firstBatch.statusCode).toBe(200);
    const againBatch = await h.app.inject(batch);
    expect(againBatch.statusCode).toBe(200);
    expect(againBatch.json().results[0]).toMatchObject({ status: 200 });
  });

  it('lets a read be sent again', async () => {
    const read = signed('GET', dnc('+48601234001'));
    expect((await h.app.inject(read)).statusCode).toBe(200);
    expect((await h.app.inject(read)).statusCode).toBe(200);
  });

  it('documents the answer: a problem page, and 409 on the state-changing routes of the OpenAPI document', async () => {
    const page = await h.app.inject('/problems/replayed-request');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('409 This signed request was already received');
    const openapi = (await h.app.inject('/openapi.json')).json();
    expect(Object.keys(openapi.paths['/v1/dnc/{phone}'].put.responses)).toContain('409');
    expect(Object.keys(openapi.paths['/v1/dnc/{phone}'].delete.responses)).toContain('409');
    expect(Object.keys(openapi.paths['/v1/dnc:import'].post.responses)).toContain('409');
    expect(openapi.info.description).toContain('replayed-request');
  });

  it('keeps no body, only a hash of the key id and signature', async () => {
    const rows = await h.db.sql.query<Record<string, unknown>>('SELECT * FROM used_signature');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['expires_at', 'key_id', 'signature_hash', 'tenant_id']);
      expect(row.signature_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('two instances on one database', () => {
  let second: FastifyInstance;
  let secondDb: Database;
  beforeAll(async () => {
    // On PostgreSQL the second instance has its own connection pool, as another process would.
    const url = (h.db as TestDatabase).url;
    secondDb = url ? await openDatabase({ url }) : h.db;
    second = await buildApp({
      db: secondDb,
      secretBox: h.box,
      logger: createLogger({ name: 'ingest-second', level: 'silent' }),
      now: () => new Date(h.clock.ms),
      usedSignatureSweepMs: 0,
    });
  });
  afterAll(async () => {
    await second.close();
    if (secondDb !== h.db) await secondDb.close();
  });

  it('refuses on the second instance a DELETE the first one took', async () => {
    const phone = '+48601234005';
    expect((await h.app.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);
    h.clock.ms += 1_000;
    const captured = signed('DELETE', dnc(phone));
    expect((await h.app.inject(captured)).statusCode).toBe(204);
    expect((await second.inject(signed('PUT', dnc(phone)))).statusCode).toBe(201);
    expectReplayProblem(await second.inject(captured));
    expect(await listed(phone)).toBe(true);
  });

  it('takes the same request sent to both at the same moment once', async () => {
    const phone = '+48601234006';
    h.clock.ms += 1_000;
    const put = signed('PUT', dnc(phone));
    const answers = await Promise.all([h.app.inject(put), second.inject(put)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
  });
});

describe('the used signatures table', () => {
  it('is swept of signatures past the window, by each instance on its own timer', async () => {
    const swept = await startHarness({ deps: { usedSignatureSweepMs: 20 } });
    try {
      const before = swept.clock.ms;
      for (let n = 0; n < 20; n += 1) {
        swept.clock.ms = before + n * 1_000;
        const phone = `+4860123410${String(n).padStart(2, '0')}`;
        const path = dnc(phone);
        const headers = signatureHeaders(swept.keyId, swept.secret, {
          timestamp: Math.floor(swept.clock.ms / 1000),
          method: 'PUT',
          pathWithQuery: path,
          body: '',
        });
        expect((await swept.app.inject({ method: 'PUT', url: path, headers })).statusCode).toBe(201);
      }
      const count = async () =>
        Number(
          (await swept.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM used_signature'))[0]?.n,
        );
      expect(await count()).toBe(20);
      // Inside the window (and its margin) nothing goes; past it, everything does.
      swept.clock.ms = before + 300_000;
      expect(await createUsedSignatures(swept.db.sql, () => new Date(swept.clock.ms)).sweep()).toBe(0);
      expect(await count()).toBe(20);
      swept.clock.ms = before + 19_000 + 361_000 + 1_000;
      await vi.waitFor(async () => expect(await count()).toBe(0), { timeout: 5_000, interval: 20 });
    } finally {
      await swept.close();
    }
  });

  it('holds one row per state-changing request in the window', async () => {
    const before = await usedRows();
    h.clock.ms += 1_000;
    await h.app.inject(signed('PUT', dnc('+48601234007')));
    await h.app.inject(signed('GET', dnc('+48601234007')));
    await h.app.inject(signed('POST', '/v1/events', exampleEvent()));
    expect(await usedRows()).toBe(before + 1);
  });
});
