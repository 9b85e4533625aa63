import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeadView } from '@pronto/contracts';
import { openDatabase } from '@pronto/db';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, drawnWhileHidden, launchChromium } from '../support/chromium.ts';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

/** Every call is answered: the person picks up after a short ring and stays on the line. */
const ANSWERING = {
  agentRingMs: [200, 200],
  personRingMs: [300, 300],
  talkMs: [600_000, 600_000],
  rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 },
};

let dataDir: string;
let pronto: ProntoProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-desktop-'));
  // First start seeds the demo; then the demo campaign gets an answering dialer profile.
  // The embedded database (the default of npm start) even in CI's PostgreSQL pass: the test edits it
  // between two starts, and the demo's agents must be this test's alone.
  const seeding = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
  expect(await seeding.stop()).toBe(0);
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  await db.sql.query(`UPDATE campaign SET dialer_profile = $1::jsonb WHERE slug = 'cash-loan'`, [
    JSON.stringify(ANSWERING),
  ]);
  await db.close();
  pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, PRONTO_DEMO_BOTS: '0', DATABASE_URL: '' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (pronto) expect(await pronto.stop()).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
});

describe('the agent desktop in a real browser', () => {
  it('rings within a second of the event, connects the call, records a 1,200 PLN sale, and the lead shows contacted and met', async () => {
    if (!browser || !pronto) throw new Error('not started');
    const url = pronto.url;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // The page's Content-Security-Policy must not block anything of its own.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
    });

    await page.goto(`${url}/agent`);
    const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
    await page.getByTestId('signin-username').fill('agent1');
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    // Signing in is not what this test times (the ring is): vitest's 1 s default is too short a wait
    // for a process that has just started on a busy machine.
    await expect
      .poll(() => page.getByTestId('agent-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('available');

    const key = { keyId: 'demo-key', secret: (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim() };
    const offerShown = page.getByTestId('offer').waitFor({ state: 'visible', timeout: 10_000 });
    const answer = await signedFetch(url, key, 'POST', '/v1/events', {
      eventId: 'desktop-1',
      type: 'cash_loan.eligibility_checked',
      occurredAt: new Date().toISOString(),
      campaign: 'cash-loan',
      person: { phone: '+48 601 555 123', name: 'Jan Kowalski' },
      consent: { phoneContact: true },
      offer: { product: 'Cash loan', amount: 20_000, currency: 'PLN', eligibility: 'pre_approved' },
      context: { pageUrl: 'https://bank.example/loans/cash', visits: 3 },
    });
    const acceptedAt = Date.now();
    expect(answer.status).toBe(202);
    const leadId = (answer.json as { leadId: string }).leadId;
    await offerShown;
    const ringAfterMs = Date.now() - acceptedAt;
    expect(ringAfterMs).toBeLessThan(1_000);

    // Who, why, how long is left; the phone is revealed on accept.
    await expect.poll(() => page.getByTestId('lead-name').textContent()).toBe('Jan Kowalski');
    expect(await page.getByTestId('lead-product').textContent()).toContain('Cash loan');
    expect(await page.getByTestId('lead-amount').textContent()).toContain('20,000');
    expect(await page.getByTestId('sla-countdown').textContent()).toMatch(/^0[45]:\d\d$/);
    expect(await page.getByTestId('lead-phone').textContent()).not.toContain('601');
    await mkdir(ARTIFACTS, { recursive: true });
    expect(await drawnWhileHidden(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'agent-desktop-offer.png') });

    await page.getByTestId('accept').click();
    await expect
      .poll(() => page.getByTestId('call-stage').textContent(), { timeout: 15_000 })
      .toMatch(/Connected/);
    expect(await page.getByTestId('lead-phone').textContent()).toContain('601');

    await page.getByTestId('sale-value').fill('1200');
    await page.getByTestId('dispo-sale').click();
    await expect
      .poll(() => page.getByTestId('saved').textContent(), { timeout: 15_000 })
      .toContain('1,200 PLN');
    await page.screenshot({ path: join(ARTIFACTS, 'agent-desktop.png') });

    const read = async () => (await signedFetch(url, key, 'GET', `/v1/leads/${leadId}`)).json as LeadView;
    await expect.poll(async () => (await read()).status, { timeout: 15_000 }).toBe('dispositioned');
    const lead = await read();
    expect(lead.sla.contactedAt).not.toBeNull();
    expect(lead.sla.met).toBe(true);
    expect(lead.attempts).toHaveLength(1);
    expect(lead.attempts[0]).toMatchObject({ outcome: 'contacted', dialedAt: expect.any(String) });
    expect(lead.history.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['offered', 'dialing', 'contacted', 'dispositioned']),
    );
    const sale = lead.history.find((entry) => entry.type === 'dispositioned');
    expect(sale?.detail).toMatchObject({ code: 'sale', value: 1200, currency: 'PLN' });
    expect(consoleErrors).toEqual([]);
    process.stdout.write(`agent desktop rang ${ringAfterMs} ms after the 202\n`);
  });
});
