import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@pronto/db';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

let dataDir: string;
let pronto: ProntoProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-paused-'));
  // Offers expire after 2 s, so two misses in a row take seconds; the embedded database, as in
  // agent-desktop.int.test.ts (the test edits it between two starts).
  const seeding = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
  expect(await seeding.stop()).toBe(0);
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  await db.sql.query(`UPDATE campaign SET offer_timeout_seconds = 2 WHERE slug = 'cash-loan'`);
  await db.close();
  pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, PRONTO_DEMO_BOTS: '0', DATABASE_URL: '' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (pronto) expect(await pronto.stop()).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
});

describe('an agent paused by the dispatcher, in a real browser', () => {
  it('the desktop and the manager dashboard say the agent was paused for two missed leads in a row', async () => {
    if (!browser || !pronto) throw new Error('not started');
    const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
    const desk = await browser.newPage();
    await desk.goto(`${pronto.url}/agent`);
    await desk.getByTestId('signin-username').fill('agent1');
    await desk.getByTestId('signin-password').fill(password);
    await desk.getByTestId('signin-submit').click();
    await expect
      .poll(() => desk.getByTestId('agent-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('available');

    // One lead, never accepted: offered, expired, offered again (nobody else is free), expired.
    const key = { keyId: 'demo-key', secret: (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim() };
    const answer = await signedFetch(pronto.url, key, 'POST', '/v1/events', {
      eventId: 'paused-1',
      type: 'cash_loan.eligibility_checked',
      occurredAt: new Date().toISOString(),
      campaign: 'cash-loan',
      person: { phone: '+48 601 555 124', name: 'Ewa Nowak' },
      consent: { phoneContact: true },
    });
    expect(answer.status).toBe(202);
    await expect
      .poll(() => desk.getByTestId('agent-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('paused');
    expect(await desk.locator('#idle-title').textContent()).toBe(
      'Paused: two leads missed in a row (not accepted in time, or your phone did not answer or rejected the call)',
    );

    const dashboard = await browser.newPage();
    await dashboard.goto(`${pronto.url}/manager`);
    await dashboard.getByTestId('signin-username').fill('manager');
    await dashboard.getByTestId('signin-password').fill(password);
    await dashboard.getByTestId('signin-submit').click();
    await expect
      .poll(() => dashboard.getByTestId('agents-paused').textContent(), { timeout: 10_000 })
      .toBe('Paused: 1 (missed two leads in a row: 1)');
  });
});
