import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessBus } from '@pronto/bus';
import type { Problem } from '@pronto/contracts';
import { bundlePage } from '@pronto/pages';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildGatewayApp } from './build-gateway-app.ts';
import { DESKTOP_SOURCE_DIR } from './desktop-files.ts';
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts';

let h: GatewayHarness;
let publicDir: string;
beforeEach(async () => {
  publicDir = await mkdtemp(join(tmpdir(), 'agent-gateway-public-'));
  h = await startGatewayHarness({ publicDir });
});
afterEach(async () => {
  await h.close();
  await rm(publicDir, { recursive: true, force: true });
});

const postSession = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.baseUrl}/agent/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /agent/session', () => {
  it('signs in: the agent, and an HttpOnly, SameSite=Strict cookie on /agent for 12 h; the table keeps only its hash', async () => {
    const agent = await h.addAgent('anna', 'correct horse');
    const response = await postSession({ username: 'anna', password: 'correct horse' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      agent: { id: agent.id, username: 'anna', displayName: 'Agent anna' },
    });
    const [cookie] = response.headers.getSetCookie();
    const token = /^pronto_agent=([A-Za-z0-9_-]{43});/.exec(cookie ?? '')?.[1];
    expect(token).toBeDefined();
    const flags = (cookie ?? '').split('; ').slice(1);
    expect(flags).toEqual(
      expect.arrayContaining(['Max-Age=43200', 'Path=/agent', 'HttpOnly', 'SameSite=Strict']),
    );
    // Plain http is fine on the loopback address only.
    expect(flags).not.toContain('Secure');
    const rows = await h.db.sql.query<{ token_sha256: string; expires_at: Date }>(
      'SELECT token_sha256, expires_at FROM agent_session WHERE agent_id = $1',
      [agent.id],
    );
    expect(rows).toEqual([
      {
        token_sha256: createHash('sha256')
          .update(token ?? '')
          .digest('hex'),
        expires_at: new Date(h.now().getTime() + 12 * 3_600_000),
      },
    ]);
    expect(h.logLines.join('')).not.toContain('correct horse');
  });

  it('marks the cookie Secure unless the request came over plain http to a loopback host', async () => {
    await h.addAgent('anna');
    const signIn = (host: string, forwarded: Record<string, string> = {}) =>
      h.app.inject({
        method: 'POST',
        url: '/agent/session',
        headers: { host, 'content-type': 'application/json', ...forwarded },
        payload: { username: 'anna', password: 'anna-password' },
      });
    const secure = async (host: string) =>
      String((await signIn(host)).headers['set-cookie']).includes('Secure');
    expect(await secure('pronto.bank.example')).toBe(true);
    expect(await secure('10.0.0.7:8080')).toBe(true);
    expect(await secure('localhost:8080')).toBe(false);
    expect(await secure('127.0.0.1:8080')).toBe(false);
    expect(await secure('[::1]:8080')).toBe(false);
  });

  it('answers a wrong password and an unknown username with the same 401 problem, logging who tried but not the password', async () => {
    await h.addAgent('anna', 'correct horse');
    const wrong = await postSession({ username: 'anna', password: 'battery staple' });
    const unknown = await postSession({ username: 'nobody', password: 'battery staple' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const body = await wrong.json();
    expect(body).toEqual({
      type: '/problems/sign-in-failed',
      title: 'Wrong username or password',
      status: 401,
      detail: 'The username or the password is wrong',
      instance: '/agent/session',
    });
    expect(await unknown.json()).toEqual(body);
    const refusals = h.logLines.filter((line) => line.includes('agent sign-in refused'));
    expect(refusals.map((line) => JSON.parse(line).username)).toEqual(['anna', 'nobody']);
    expect(h.logLines.join('')).not.toContain('battery staple');
  });

  it('names a missing or empty field in a 400 problem, and refuses a body that is not JSON', async () => {
    const missing = await postSession({ username: 'anna' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(((await missing.json()) as Problem).errors).toEqual([
      { field: 'password', pointer: '/password', detail: 'is required' },
    ]);
    const empty = await postSession({ username: '', password: 'x' });
    expect(((await empty.json()) as Problem).errors).toEqual([
      expect.objectContaining({ field: 'username' }),
    ]);
    // What the database cannot store is refused by the same check as every API's (compileValidator).
    const nul = await postSession({ username: 'anna\u0000', password: 'x\ud800' });
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as Problem).errors?.map((error) => error.field).sort()).toEqual([
      'password',
      'username',
    ]);
    const notJson = await postSession('{"username":');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ type: '/problems/invalid-json', status: 400 });
    const form = await postSession('username=anna', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ type: '/problems/unsupported-media-type' });
  });
});

describe('GET and DELETE /agent/session', () => {
  it('reads the session while it lasts; signing out ends it and clears the cookie', async () => {
    const agent = await h.addAgent('anna');
    const cookie = await h.signIn('anna');
    const read = () => fetch(`${h.baseUrl}/agent/session`, { headers: { cookie } });
    expect(await (await read()).json()).toEqual({
      agent: { id: agent.id, username: 'anna', displayName: 'Agent anna' },
    });

    const signOut = await fetch(`${h.baseUrl}/agent/session`, { method: 'DELETE', headers: { cookie } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/^pronto_agent=; .*Expires=Thu, 01 Jan 1970/);
    const after = await read();
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ type: '/problems/not-signed-in', status: 401 });
    expect(await h.db.prisma.agentSession.count()).toBe(0);
  });

  it('answers 401 without a cookie, with a made-up one, and once the session expired', async () => {
    await h.addAgent('anna');
    const cookie = await h.signIn('anna');
    const status = async (headers: Record<string, string>) =>
      (await fetch(`${h.baseUrl}/agent/session`, { headers })).status;
    expect(await status({})).toBe(401);
    expect(await status({ cookie: `pronto_agent=${'A'.repeat(43)}` })).toBe(401);
    expect(await status({ cookie })).toBe(200);
    h.advanceClock(12 * 3_600_000);
    expect(await status({ cookie })).toBe(401);
  });
});

describe('the desktop page', () => {
  it('serves agent.html and its assets with their content types, never cached without asking', async () => {
    await writeFile(join(publicDir, 'agent.html'), '<!doctype html><title>Pronto</title>');
    await writeFile(join(publicDir, 'agent.css'), 'body{}');
    const page = await fetch(`${h.baseUrl}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toBe('<!doctype html><title>Pronto</title>');
    // The scripts are not files of the folder: they are esbuild's bundles of the desktop's TypeScript.
    const script = await fetch(`${h.baseUrl}/agent/assets/agent.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(await script.text()).toBe(
      await bundlePage(join(DESKTOP_SOURCE_DIR, 'agent.ts'), { format: 'esm' }),
    );
    const worker = await fetch(`${h.baseUrl}/agent/assets/heartbeat-worker.js`);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await worker.text()).toBe(
      await bundlePage(join(DESKTOP_SOURCE_DIR, 'heartbeat-worker.ts'), { format: 'iife' }),
    );
    const style = await fetch(`${h.baseUrl}/agent/assets/agent.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(style.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 problems for a missing page or file and for any path that leaves the folder', async () => {
    const missingPage = await fetch(`${h.baseUrl}/agent`);
    expect(missingPage.status).toBe(404);
    expect(missingPage.headers.get('content-type')).toContain('application/problem+json');
    await writeFile(join(publicDir, '.env'), 'SECRET=1');
    for (const path of [
      'missing.js',
      'constructor',
      '..%2Fpackage.json',
      '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '.env',
      '..',
    ]) {
      const response = await fetch(`${h.baseUrl}/agent/assets/${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('SECRET');
    }
  });
});

describe('buildGatewayApp', () => {
  it('answers /healthz while the database does, and unknown routes with a 404 problem', async () => {
    const db = await openTestDatabase();
    const logger = createLogger({ name: 'agent-gateway-test', level: 'silent' });
    const bus = createInProcessBus({ sql: db.sql, logger });
    const app = await buildGatewayApp({ db, bus, logger });
    try {
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok', database: db.kind });
      const unknown = await app.inject({ method: 'GET', url: '/nowhere' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
      expect((await app.inject({ method: 'GET', url: '/agent/session' })).statusCode).toBe(401);
    } finally {
      await app.close();
      await bus.close();
      await db.close();
    }
  });
});
