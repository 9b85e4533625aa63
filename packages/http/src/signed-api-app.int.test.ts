import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Problem } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox, createTenant, issueApiKey } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from './problems.ts';
import { buildSignedApiApp } from './signed-api-app.ts';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const Body = Type.Object({ person: Type.Object({ phone: Type.String({ minLength: 3 }) }) });

/** A signed route with a body schema, one that throws a problem, and one whose database is gone. */
const routes: FastifyPluginAsync = async (signed) => {
  signed.post('/v1/things', { schema: { body: Body } }, async (request) => ({
    tenantId: request.tenantId,
    body: request.body,
  }));
  signed.get('/v1/things/gone', async () => {
    throw new ProblemError('not-found', 'No thing gone', undefined, { 'x-test': 'kept' });
  });
  signed.get('/v1/things/broken', async () => {
    throw new Error('a bug, with a secret 601234567');
  });
};

let db: Database;
let app: FastifyInstance;
let keyId: string;
let secret: string;
let tenantId: string;
const logLines: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  const box = createSecretBox(randomBytes(32));
  const tenant = await createTenant(db.prisma, {
    slug: 'acme',
    name: 'Acme',
    rateLimitPerSecond: 1_000,
    rateLimitBurst: 1_000,
  });
  tenantId = tenant.id;
  ({ keyId, secret } = await issueApiKey(db.prisma, box, { tenantId, keyId: 'acme-key' }));
  app = await buildSignedApiApp({
    db,
    secretBox: box,
    logger: createLogger({
      name: 'http-test',
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(chunk.toString());
          done();
        },
      }),
    }),
    now: () => new Date(NOW),
    signedRoutes: [routes],
    usedSignatureSweepMs: 0,
  });
}, 180_000);

afterAll(async () => {
  await app.close();
  await db.close();
});

const send = (method: 'GET' | 'POST', url: string, payload = '', contentType = 'application/json') =>
  app.inject({
    method,
    url,
    headers: {
      ...(payload ? { 'content-type': contentType } : {}),
      ...signatureHeaders(keyId, secret, {
        timestamp: Math.floor(NOW / 1000),
        method,
        pathWithQuery: url,
        body: payload,
      }),
    },
    ...(payload ? { payload } : {}),
  });

describe('the signed API app', () => {
  it("parses a signed JSON body for the route, with the key's tenant", async () => {
    const answer = await send('POST', '/v1/things', JSON.stringify({ person: { phone: '+48601' } }));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ tenantId, body: { person: { phone: '+48601' } } });
  });

  it('names the invalid field of a body in a 400 problem+json', async () => {
    const answer = await send('POST', '/v1/things', JSON.stringify({ person: { phone: 'x' } }));
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    const problem = answer.json<Problem>();
    expect(problem).toMatchObject({
      type: '/problems/validation-error',
      title: 'The request has invalid fields',
      status: 400,
      instance: '/v1/things',
    });
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'person.phone', pointer: '/person/phone' }),
    ]);
  });

  it('answers a body that is not JSON with 400 invalid-json, and another content type with 415', async () => {
    const notJson = await send('POST', '/v1/things', '{"person":');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({
      type: '/problems/invalid-json',
      errors: [{ field: '', pointer: '' }],
    });
    const form = await send('POST', '/v1/things', 'a=b', 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(415);
    expect(form.json()).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
  });

  it('refuses an unsigned request with 401, before reading its body', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"person":',
    });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({
      type: '/problems/unauthorized',
      detail: 'Pronto-Key-Id header is missing',
    });
  });

  it('answers a thrown ProblemError with its kind and headers, and an unknown route with 404', async () => {
    const gone = await send('GET', '/v1/things/gone');
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['x-test']).toBe('kept');
    expect(gone.json()).toEqual({
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No thing gone',
      instance: '/v1/things/gone',
    });
    const unknown = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ type: '/problems/not-found', detail: 'No route GET /nowhere' });
  });

  it('answers a bug with 500 internal-error, logging the error but not echoing it', async () => {
    const answer = await send('GET', '/v1/things/broken');
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toEqual({
      type: '/problems/internal-error',
      title: 'Internal error',
      status: 500,
      instance: '/v1/things/broken',
    });
    expect(logLines.some((line) => line.includes('unhandled error'))).toBe(true);
  });

  it('explains its problem kinds at /problems/<slug>, and only those it answers', async () => {
    const page = await app.inject({ method: 'GET', url: '/problems/replayed-request' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('409 This signed request was already received');
    for (const slug of ['sign-in-failed', 'toString', 'nothing']) {
      const none = await app.inject({ method: 'GET', url: `/problems/${slug}` });
      expect(none.statusCode, slug).toBe(404);
    }
  });

  it('answers a database outage with 503 service-unavailable and Retry-After, and /healthz says so', async () => {
    const gone = await openTestDatabase();
    const box = createSecretBox(randomBytes(32));
    const down = await buildSignedApiApp({
      db: gone,
      secretBox: box,
      logger: createLogger({ name: 'http-test', level: 'silent' }),
      signedRoutes: [routes],
      usedSignatureSweepMs: 0,
    });
    await gone.close();
    const answer = await down.inject({
      method: 'GET',
      url: '/v1/things/gone',
      headers: signatureHeaders('any-key', 'any-secret', {
        timestamp: Math.floor(Date.now() / 1000),
        method: 'GET',
        pathWithQuery: '/v1/things/gone',
        body: '',
      }),
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json()).toMatchObject({
      type: '/problems/service-unavailable',
      detail: 'The database is unavailable; nothing was stored',
    });
    const health = await down.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable' });
    await down.close();
  });
});
