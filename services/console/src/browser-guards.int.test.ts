import { join } from 'node:path';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { bundlePage } from '@pronto/pages';
import { createLogger } from '@pronto/telemetry';
import { createManager } from '@pronto/tenancy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DASHBOARD_SOURCE_DIR } from './dashboard-files.ts';
import { registerConsole } from './register-console.ts';

const logger = createLogger({ name: 'manager-guards-test', level: 'silent' });
const PASSWORD = 'correct horse battery';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
  const now = () => new Date(harness.clock.ms);
  await registerConsole(harness.app, {
    sql: harness.db.sql,
    logger,
    now,
    http: { publicOrigins: ['https://pronto.bank.example'] },
  });
  await createManager(harness.db.sql, {
    tenantId: harness.tenantId,
    username: 'boss',
    displayName: 'Boss',
    password: PASSWORD,
  });
});
afterEach(async () => harness.close());

const signIn = (username: string, password: string, address: string, headers: Record<string, string> = {}) =>
  harness.app.inject({
    method: 'POST',
    url: '/manager/session',
    remoteAddress: address,
    headers: { 'content-type': 'application/json', ...headers },
    payload: { username, password },
  });

describe('manager sign-in throttling', () => {
  it('makes the account wait 1 s, 2 s ... at most 60 s after 5 wrong passwords, with a 429 problem and Retry-After; the right password after the wait signs in', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('boss', 'wrong', '10.1.1.1')).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const refused = await signIn('boss', PASSWORD, '10.1.1.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(refused.json()).toMatchObject({ type: '/problems/too-many-sign-ins', status: 429 });
      waits.push(Number(refused.headers['retry-after']));
      harness.clock.ms += (waits.at(-1) ?? 0) * 1000;
      expect((await signIn('boss', 'wrong', '10.1.1.1')).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    harness.clock.ms += 60_000;
    const signedIn = await signIn('boss', PASSWORD, '10.1.1.1');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.cookies.map((c) => c.name)).toContain('pronto_manager');
  });

  it('answers the 21st attempt of a minute from one address with 429 and Retry-After; another address goes on', async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(`m${i}`, 'x', '192.0.2.9')).statusCode).toBe(401);
    const limited = await signIn('boss', PASSWORD, '192.0.2.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ type: '/problems/too-many-sign-ins', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn('boss', PASSWORD, '192.0.2.10')).statusCode).toBe(200);
    harness.clock.ms += 60_000;
    expect((await signIn('boss', PASSWORD, '192.0.2.9')).statusCode).toBe(200);
  });
});

describe('the dashboard and other origins', () => {
  it('refuses a sign-in or sign-out from an origin other than PRONTO_PUBLIC_ORIGINS with a 403 problem', async () => {
    const foreign = await signIn('boss', PASSWORD, '10.1.1.1', { origin: 'http://127.0.0.1:1' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ type: '/problems/forbidden-origin', status: 403 });
    expect(foreign.cookies).toEqual([]);
    const own = await signIn('boss', PASSWORD, '10.1.1.1', { origin: 'https://pronto.bank.example' });
    expect(own.statusCode).toBe(200);
    const cookie = `pronto_manager=${own.cookies.find((c) => c.name === 'pronto_manager')?.value}`;
    const signOut = (origin: string) =>
      harness.app.inject({ method: 'DELETE', url: '/manager/session', headers: { cookie, origin } });
    expect((await signOut('https://evil.example')).statusCode).toBe(403);
    const read = await harness.app.inject({ method: 'GET', url: '/manager/session', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    expect((await signOut('https://pronto.bank.example')).statusCode).toBe(204);
  });

  it("serves the page's script as esbuild's bundle of the dashboard's TypeScript", async () => {
    const script = await harness.app.inject({ method: 'GET', url: '/manager/assets/manager.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('no-cache');
    expect(script.body).toBe(await bundlePage(join(DASHBOARD_SOURCE_DIR, 'manager.ts'), { format: 'iife' }));
  });

  it('sends a CSP that allows only its own scripts (Chart.js bundled in) and no framing', async () => {
    for (const url of ['/manager', '/manager/assets/manager.js', '/manager/session']) {
      const response = await harness.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("script-src 'self'");
      expect(response.headers['x-frame-options'], url).toBe('DENY');
    }
  });
});
