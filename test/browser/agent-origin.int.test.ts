import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';

let dataDir: string;
let pronto: ProntoProcess | undefined;
let browser: Browser | undefined;
let elsewhere: Server | undefined;
let elsewhereUrl: string;

/**
 * A page of another site on the same host, another port: what the probe served. It opens the agent's
 * socket, tries to sign the agent out, and frames the desktop; it reports what it got in window.report.
 */
const attackerPage = (prontoUrl: string) => `<!doctype html><meta charset="utf-8"><title>elsewhere</title>
<iframe id="framed" src="${prontoUrl}/agent" width="400" height="300"></iframe>
<script>
  window.report = { socket: [], signOut: null };
  const socket = new WebSocket('${prontoUrl.replace('http', 'ws')}/agent/ws');
  socket.onopen = () => window.report.socket.push('open');
  socket.onmessage = (event) => window.report.socket.push('message ' + event.data.slice(0, 40));
  socket.onclose = (event) => window.report.socket.push('close ' + event.code);
  fetch('${prontoUrl}/agent/session', { method: 'DELETE', credentials: 'include', mode: 'no-cors' })
    .then(() => { window.report.signOut = 'sent'; }, () => { window.report.signOut = 'failed'; });
</script>`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-origin-'));
  pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, PRONTO_DEMO_BOTS: '0', DATABASE_URL: '' });
  const prontoUrl = pronto.url;
  elsewhere = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackerPage(prontoUrl));
  });
  await new Promise<void>((resolve) => elsewhere?.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // The process starts within startPronto's own bound (90 s), longer than vitest's default hook wait.
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (elsewhere ? elsewhere.close(resolve) : resolve(undefined)));
  if (pronto) expect(await pronto.stop()).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe("a page of another origin, in the signed-in agent's browser", () => {
  it('cannot open the agent socket, sign the agent out or frame the desktop, while the desktop itself works with no CSP violation', async () => {
    if (!browser || !pronto) throw new Error('not started');
    const context = await browser.newContext();
    const desktop = await context.newPage();
    const consoleErrors: string[] = [];
    desktop.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    desktop.on('pageerror', (error) => consoleErrors.push(error.message));
    await desktop.goto(`${pronto.url}/agent`);
    const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
    await desktop.getByTestId('signin-username').fill('agent1');
    await desktop.getByTestId('signin-password').fill(password);
    await desktop.getByTestId('signin-submit').click();
    await expect
      .poll(() => desktop.getByTestId('agent-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('available');

    // The same browser (the same cookie jar) opens the other site's page.
    const attacker = await context.newPage();
    const attackerConsole: string[] = [];
    attacker.on('console', (message) => attackerConsole.push(message.text()));
    await attacker.goto(elsewhereUrl);
    await expect
      .poll(
        () =>
          attacker.evaluate(() => (globalThis as unknown as { report: { socket: string[] } }).report.socket),
        {
          timeout: 10_000,
        },
      )
      .toEqual(['close 1006']);
    await expect
      .poll(() =>
        attacker.evaluate(() => (globalThis as unknown as { report: { signOut: string } }).report.signOut),
      )
      .not.toBeNull();
    // The frame shows nothing of the desktop: the browser refused it (frame-ancestors 'none').
    const framed = attacker.frame({ url: /\/agent$/ });
    const framedTestIds = framed
      ? await framed
          .locator('[data-testid]')
          .count()
          .catch(() => 0)
      : 0;
    expect(framedTestIds).toBe(0);
    expect(attackerConsole.join('\n')).toMatch(/frame-ancestors|X-Frame-Options/);

    // The real desktop is still signed in and connected: not kicked off, not signed out.
    await desktop.waitForTimeout(500);
    expect(await desktop.getByTestId('agent-state').getAttribute('data-state')).toBe('available');
    const session = await desktop.evaluate(async () => (await fetch('/agent/session')).status);
    expect(session).toBe(200);
    expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    // The one error the page logs is its own 401 from reading the session before signing in.
    expect(consoleErrors.filter((text) => !/status of 401/.test(text))).toEqual([]);
    await context.close();
  });
});
