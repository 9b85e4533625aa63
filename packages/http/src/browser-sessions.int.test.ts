import type { Problem } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createAgent, createManager, createSignInThrottle, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBrowserScope } from './browser-scope.ts';
import { DASHBOARD_UNAVAILABLE } from './error-handler.ts';
import { registerSessionRoutes, requireSession } from './session-routes.ts';
import { AGENT_ROLE, createSessions, MANAGER_ROLE, type SessionRole } from './sessions.ts';

const TTL_MS = 60_000;
let db: Database;
let clock = Date.UTC(2026, 10, 24, 10, 0, 0);
const now = () => new Date(clock);
const signedOut: string[] = [];

/** A browser surface of one role on a real fastify app, as the desktop and the dashboard mount theirs. */
async function surface(
  role: SessionRole,
  options: { behindTlsProxy?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify();
  const sessions = createSessions({ role, sql: db.sql, now, ttlMs: TTL_MS });
  await app.register(async (scope) => {
    await prepareBrowserScope(scope, {
      unavailable: DASHBOARD_UNAVAILABLE,
      allowsOrigin: (origin) => origin === 'http://127.0.0.1:8080',
      now,
    });
    registerSessionRoutes(scope, {
      sessions,
      logger: createLogger({ name: 'http-test', level: 'silent' }),
      publicUser: ({ username, displayName }) => ({ username, displayName }),
      onSignOut: (tokenSha256) => signedOut.push(tokenSha256),
      throttle: createSignInThrottle({ now }),
      signInsPerAddressPerMinute: 3,
      behindTlsProxy: options.behindTlsProxy ?? false,
    });
    scope.get(`/${role.name}/whoami`, async (request) => (await requireSession(sessions, request)).user);
  });
  return app;
}

const signIn = (
  app: FastifyInstance,
  role: SessionRole,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: role.sessionPath,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

const cookieOf = (answer: LightMyRequestResponse) => String(answer.headers['set-cookie']);
const pairOf = (answer: LightMyRequestResponse) => cookieOf(answer).split(';')[0] as string;

let tenantId: string;
beforeAll(async () => {
  db = await openTestDatabase();
  tenantId = (await createTenant(db.prisma, { slug: 'acme', name: 'Acme' })).id;
  await createManager(db.sql, { tenantId, username: 'mira', displayName: 'Mira', password: 'manager pass' });
  await createAgent(db.prisma, {
    tenantId,
    username: 'anna',
    displayName: 'Anna',
    password: 'agent pass',
    groups: ['sales'],
  });
}, 180_000);

afterAll(async () => {
  await db.close();
});

describe('browser sessions, for any role', () => {
  it("sets an httpOnly, SameSite=Strict cookie on the role's path; Secure except on plain-http loopback", async () => {
    const dashboard = await surface(MANAGER_ROLE);
    const local = await signIn(dashboard, MANAGER_ROLE, { username: 'mira', password: 'manager pass' });
    expect(local.statusCode).toBe(200);
    expect(local.json()).toEqual({ manager: { username: 'mira', displayName: 'Mira' } });
    expect(cookieOf(local)).toMatch(/^pronto_manager=[^;]+; Max-Age=60; Path=\/; HttpOnly; SameSite=Strict$/);

    const remote = await signIn(
      dashboard,
      MANAGER_ROLE,
      { username: 'mira', password: 'manager pass' },
      { host: 'pronto.example.com' },
    );
    expect(cookieOf(remote)).toContain('; Secure');

    const desktop = await surface(AGENT_ROLE, { behindTlsProxy: true });
    const agent = await signIn(desktop, AGENT_ROLE, { username: 'anna', password: 'agent pass' });
    expect(agent.json()).toEqual({ agent: { username: 'anna', displayName: 'Anna' } });
    expect(cookieOf(agent)).toMatch(
      /^pronto_agent=[^;]+; Max-Age=60; Path=\/agent; HttpOnly; Secure; SameSite=Strict$/,
    );
    // One role's cookie opens nothing of another's.
    const crossed = await desktop.inject({
      method: 'GET',
      url: '/agent/whoami',
      headers: { cookie: pairOf(local).replace('pronto_manager', 'pronto_agent') },
    });
    expect(crossed.statusCode).toBe(401);
    await dashboard.close();
    await desktop.close();
  });

  it('reads the session while it lasts, then answers 401 not-signed-in; signing out ends it', async () => {
    const dashboard = await surface(MANAGER_ROLE);
    const cookie = pairOf(
      await signIn(dashboard, MANAGER_ROLE, { username: 'mira', password: 'manager pass' }),
    );
    const who = await dashboard.inject({ method: 'GET', url: '/manager/whoami', headers: { cookie } });
    expect(who.json()).toMatchObject({ username: 'mira', tenantId });
    clock += TTL_MS;
    const expired = await dashboard.inject({ method: 'GET', url: '/manager/session', headers: { cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({
      type: '/problems/not-signed-in',
      detail: 'Sign in with POST /manager/session',
    });

    const fresh = pairOf(
      await signIn(dashboard, MANAGER_ROLE, { username: 'mira', password: 'manager pass' }),
    );
    const out = await dashboard.inject({
      method: 'DELETE',
      url: '/manager/session',
      headers: { cookie: fresh },
    });
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out)).toMatch(
      /^pronto_manager=; Max-Age=0; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/,
    );
    expect(signedOut).toHaveLength(1);
    const [row] = await db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM manager_session WHERE token_sha256 = $1',
      [signedOut[0]],
    );
    expect(row?.n).toBe(0);
    const after = await dashboard.inject({
      method: 'GET',
      url: '/manager/session',
      headers: { cookie: fresh },
    });
    expect(after.statusCode).toBe(401);
    await dashboard.close();
  });

  it('answers a wrong password with 401 sign-in-failed, set no cookie', async () => {
    const dashboard = await surface(MANAGER_ROLE);
    const wrong = await signIn(dashboard, MANAGER_ROLE, { username: 'mira', password: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.json()).toMatchObject({
      type: '/problems/sign-in-failed',
      title: 'Wrong username or password',
    });
    await dashboard.close();
  });
});

describe("a browser surface's JSON bodies and guards", () => {
  it('names a missing field, refuses a body that is not JSON (400) and another content type (415)', async () => {
    const dashboard = await surface(MANAGER_ROLE);
    const missing = await signIn(dashboard, MANAGER_ROLE, { username: 'mira' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<Problem>().errors).toEqual([
      { field: 'password', pointer: '/password', detail: 'is required' },
    ]);
    const notJson = await signIn(dashboard, MANAGER_ROLE, '{"username":');
    expect(notJson.json()).toMatchObject({
      type: '/problems/invalid-json',
      status: 400,
      detail: 'Send one JSON document, UTF-8 encoded',
    });
    const form = await signIn(dashboard, MANAGER_ROLE, 'username=mira', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json()).toMatchObject({ type: '/problems/unsupported-media-type' });
    await dashboard.close();
  });

  it("refuses a state-changing request from another site's page, and limits sign-ins per address", async () => {
    const dashboard = await surface(MANAGER_ROLE);
    const elsewhere = await signIn(
      dashboard,
      MANAGER_ROLE,
      { username: 'mira', password: 'manager pass' },
      { origin: 'https://evil.example' },
    );
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ type: '/problems/forbidden-origin' });
    expect(elsewhere.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    const from = (n: number) =>
      dashboard.inject({
        method: 'POST',
        url: '/manager/session',
        remoteAddress: '203.0.113.7',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: `nobody${n}`, password: 'x' }),
      });
    for (const n of [1, 2, 3]) expect((await from(n)).statusCode).toBe(401);
    const limited = await from(4);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ type: '/problems/too-many-sign-ins', status: 429 });
    await dashboard.close();
  });
});
