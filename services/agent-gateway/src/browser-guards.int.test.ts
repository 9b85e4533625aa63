import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts';

let h: GatewayHarness;
afterEach(async () => h.close());

/** POST /agent/session from a client address (and Origin, when given). */
const signIn = (password: string, address: string, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: 'POST',
    url: '/agent/session',
    remoteAddress: address,
    headers: { 'content-type': 'application/json', ...headers },
    payload: { username: 'anna', password },
  });

describe('sign-in throttling per account', () => {
  it('lets 5 wrong passwords through, then makes the next attempt wait 1 s, 2 s, 4 s ... at most 60 s, refusing even the right password meanwhile', async () => {
    h = await startGatewayHarness();
    await h.addAgent('anna');
    const desk = '10.0.0.5';
    for (let i = 0; i < 5; i++) expect((await signIn('wrong', desk)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const refused = await signIn('anna-password', desk);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(refused.json()).toMatchObject({ type: '/problems/too-many-sign-ins', status: 429 });
      expect(refused.headers['set-cookie']).toBeUndefined();
      const wait = Number(refused.headers['retry-after']);
      waits.push(wait);
      h.advanceClock(wait * 1000);
      expect((await signIn('wrong', desk)).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    // Once the delay is over the right password signs in, and the slate is clean.
    h.advanceClock(60_000);
    expect((await signIn('anna-password', desk)).statusCode).toBe(200);
    expect((await signIn('wrong', desk)).statusCode).toBe(401);
    expect((await signIn('anna-password', desk)).statusCode).toBe(200);
    expect(h.logLines.join('')).not.toContain('anna-password');
  });

  it('does not hold up the agent at their usual desk while someone guesses from elsewhere; a new address waits at most 60 s once 20 guesses failed', async () => {
    h = await startGatewayHarness();
    await h.addAgent('anna');
    expect((await signIn('anna-password', '10.0.0.5')).statusCode).toBe(200);
    // A guesser spread over 10 addresses (5 free guesses each), at the pace the delays allow.
    let refusedGuesses = 0;
    for (let i = 0; i < 60; i++) {
      const guess = await signIn('wrong', `203.0.113.${i % 10}`);
      if (guess.statusCode === 429) refusedGuesses++;
      else expect(guess.statusCode).toBe(401);
      h.advanceClock(100);
    }
    expect(refusedGuesses).toBeGreaterThan(30);
    // The agent's own desk signs in straight away...
    expect((await signIn('anna-password', '10.0.0.5')).statusCode).toBe(200);
    // ...which also clears the account's count, so another desk is not held up either.
    expect((await signIn('anna-password', '10.0.0.9')).statusCode).toBe(200);
    for (let i = 0; i < 25; i++) await signIn('wrong', `198.51.100.${i}`);
    const elsewhere = await signIn('anna-password', '10.0.0.77');
    expect(elsewhere.statusCode).toBe(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeLessThanOrEqual(60);
    h.advanceClock(60_000);
    expect((await signIn('anna-password', '10.0.0.77')).statusCode).toBe(200);
  });
});

describe('sign-in throttling per address', () => {
  it('answers the 21st attempt of a minute from one address with 429 and Retry-After, whatever the usernames; other addresses go on', async () => {
    h = await startGatewayHarness();
    await h.addAgent('anna');
    const attempt = (username: string, address: string) =>
      h.app.inject({
        method: 'POST',
        url: '/agent/session',
        remoteAddress: address,
        headers: { 'content-type': 'application/json' },
        payload: { username, password: 'guess' },
      });
    for (let i = 0; i < 20; i++) expect((await attempt(`user${i}`, '192.0.2.1')).statusCode).toBe(401);
    const limited = await attempt('user20', '192.0.2.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(limited.json()).toMatchObject({ type: '/problems/too-many-sign-ins', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('user21', '192.0.2.2')).statusCode).toBe(401);
    h.advanceClock(60_000);
    expect((await attempt('user22', '192.0.2.1')).statusCode).toBe(401);
  });
});

describe('Origin of state-changing requests', () => {
  it("refuses a sign-in or sign-out sent by another origin with 403, and takes the desktop's own and requests without Origin", async () => {
    h = await startGatewayHarness();
    await h.addAgent('anna');
    const own = h.baseUrl;
    const foreign = await signIn('anna-password', '127.0.0.1', { origin: 'http://127.0.0.1:1' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(foreign.json()).toMatchObject({ type: '/problems/forbidden-origin', status: 403 });
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect((await signIn('anna-password', '127.0.0.1', { origin: own })).statusCode).toBe(200);
    const cookie = await h.signIn('anna');
    const signOut = (origin: string) =>
      h.app.inject({ method: 'DELETE', url: '/agent/session', headers: { cookie, origin } });
    expect((await signOut('https://evil.example')).statusCode).toBe(403);
    const read = await h.app.inject({ method: 'GET', url: '/agent/session', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    expect((await signOut(own)).statusCode).toBe(204);
  });

  it('takes only PRONTO_PUBLIC_ORIGINS when they are set', async () => {
    h = await startGatewayHarness({ http: { publicOrigins: ['https://pronto.bank.example'] } });
    await h.addAgent('anna');
    const status = async (origin: string) =>
      (await signIn('anna-password', '127.0.0.1', { origin })).statusCode;
    expect(await status('https://pronto.bank.example')).toBe(200);
    expect(await status('https://PRONTO.bank.example')).toBe(200);
    expect(await status(h.baseUrl)).toBe(403);
    expect(await status('http://pronto.bank.example')).toBe(403);
  });
});

describe('headers of the desktop', () => {
  it('sends a Content-Security-Policy that allows only its own scripts and no framing, on the page, its assets and its errors', async () => {
    h = await startGatewayHarness();
    for (const url of ['/agent', '/agent/assets/agent.js', '/agent/session']) {
      const response = await h.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("default-src 'self'");
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });
});

describe('behind a TLS proxy (PRONTO_TRUST_PROXY)', () => {
  const cookieOf = async (headers: Record<string, string>) =>
    String((await signIn('anna-password', '127.0.0.1', headers)).headers['set-cookie']);

  it('marks the cookie Secure even when the proxy reaches Pronto on 127.0.0.1, and reads the client address from X-Forwarded-For', async () => {
    h = await startGatewayHarness({ http: { trustProxy: true } });
    await h.addAgent('anna');
    expect(await cookieOf({ host: '127.0.0.1:8080', 'x-forwarded-proto': 'https' })).toContain('Secure');
    expect(await cookieOf({ host: '127.0.0.1:8080' })).toContain('Secure');
    // The per-address limit counts the client the proxy names, not the proxy.
    const fromClient = (client: string, username: string) =>
      h.app.inject({
        method: 'POST',
        url: '/agent/session',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        payload: { username, password: 'guess' },
      });
    for (let i = 0; i < 20; i++) expect((await fromClient('198.51.100.7', `user${i}`)).statusCode).toBe(401);
    expect((await fromClient('198.51.100.7', 'user20')).statusCode).toBe(429);
    expect((await fromClient('198.51.100.8', 'user21')).statusCode).toBe(401);
  });

  it('without the setting, ignores X-Forwarded-Proto and keeps the loopback rule', async () => {
    h = await startGatewayHarness();
    await h.addAgent('anna');
    expect(await cookieOf({ host: '127.0.0.1:8080', 'x-forwarded-proto': 'https' })).not.toContain('Secure');
    expect(await cookieOf({ host: 'pronto.bank.example' })).toContain('Secure');
  });
});
