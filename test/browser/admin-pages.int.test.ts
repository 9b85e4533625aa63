import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnWhileHidden, keep, launchChromium } from '../support/chromium.ts';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

let dataDir: string;
let pronto: ProntoProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-admin-pages-'));
  // The embedded database (npm start's default): the demo's manager signs in, and the demo's
  // agents stay signed out, so the only agent who can take the new campaign's lead is the new one.
  pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, PRONTO_DEMO_BOTS: '0', DATABASE_URL: '' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (pronto) expect(await pronto.stop()).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
});

/** Errors the page threw, and anything its Content-Security-Policy blocked. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

describe('the administration pages in a real browser', () => {
  it('sets up a group, a campaign, an agent and a key through the pages, and the new agent is offered the new campaign’s lead', async () => {
    if (!browser || !pronto) throw new Error('not started');
    const url = pronto.url;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);

    // The demo's manager signs in where every manager does, and opens Administration from the header.
    await page.goto(`${url}/manager`);
    const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
    await page.getByTestId('signin-username').fill('manager');
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('admin-link').click();
    await page.waitForURL(`${url}/manager/admin`);
    await expect
      .poll(() => page.getByTestId('admin-role').textContent(), { timeout: 10_000 })
      .toContain('demo');

    // A group.
    await page.getByTestId('nav-groups').click();
    await page.getByTestId('group-name').fill('night-shift');
    await page.getByTestId('group-display-name').fill('Night shift');
    await page.getByTestId('group-add').click();
    await expect.poll(() => page.getByTestId('groups').textContent()).toContain('Night shift');

    // A campaign, through the form: a window that ends before it starts is refused, beside its input.
    // The list alone: the form stays out of sight (and out of reach) until New campaign has filled it.
    await page.getByTestId('nav-campaigns').click();
    await expect.poll(() => page.getByTestId('campaigns').textContent()).toContain('cash-loan');
    expect(await page.getByTestId('campaign-form').isVisible()).toBe(false);
    expect(await drawnWhileHidden(page)).toEqual([]);
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-slug').fill('mortgage');
    await page.getByTestId('campaign-name').fill('Mortgage');
    await page.getByTestId('campaign-sla-clock').selectOption('calendar');
    await page.getByTestId('campaign-time-zone').fill('Europe/Warsaw');
    // Every day, all day (so the lead is offered whenever the test runs) — but typed wrong first.
    const firstWindow = page.getByTestId('window-0');
    for (const day of ['Sat', 'Sun']) await firstWindow.getByLabel(day).check();
    await page.getByTestId('window-0-from').fill('12:00');
    await page.getByTestId('window-0-to').fill('06:00');
    await page.getByRole('button', { name: 'Remove window 2' }).click();
    await page.getByTestId('campaign-group-pick').selectOption('night-shift');
    await page.getByTestId('campaign-group-add').click();
    // The refusal comes from the API: waited for as such, so that a failure says whether the page
    // sent the campaign, what came back, and what the page threw or showed.
    const refusal = page.waitForResponse(
      (response) => response.request().method() === 'PUT' && response.url().includes('/campaigns/mortgage'),
      { timeout: 30_000 },
    );
    await page.getByTestId('campaign-save').click();
    expect((await refusal).status(), errors.join('; ')).toBe(400);
    const windowError = page.getByTestId('error-callingWindows.0.to');
    // The form's own error line too, so that a failure says what the page showed instead.
    const shown = async () =>
      `${await windowError.textContent()} | ${await page.getByTestId('campaign-form-error').textContent()} | ${errors.join('; ')}`;
    await expect.poll(shown, { timeout: 10_000 }).toMatch(/end after it starts.* \| .+ \| $/);
    expect(await page.getByTestId('window-0-to').getAttribute('aria-invalid')).toBe('true');
    await keep(page, 'admin-campaign-error');

    await page.getByTestId('window-0-from').fill('00:00');
    await page.getByTestId('window-0-to').fill('24:00');
    await page.getByTestId('campaign-save').click();
    await expect
      .poll(() => page.getByTestId('page-notice').textContent())
      .toContain('Campaign mortgage created');
    expect(await windowError.textContent()).toBe('');
    // The form holds the whole campaign as saved: saving it again changes nothing.
    await page.getByTestId('campaign-save').click();
    await expect.poll(() => page.getByTestId('page-notice').textContent()).toBe('Nothing changed.');
    await page.getByTestId('campaign-cancel').click();
    await expect.poll(() => page.getByTestId('campaign-row-mortgage').textContent()).toContain('night-shift');

    // An agent with a password, in that group.
    await page.getByTestId('nav-agents').click();
    await page.getByTestId('agent-username').fill('nina.nowak');
    await page.getByTestId('agent-display-name').fill('Nina Nowak');
    await page.getByTestId('agent-password').fill('night-owl-2026');
    await page.getByTestId('agent-group-night-shift').check();
    await page.getByTestId('agent-languages').fill('pl, en');
    await page.getByTestId('agent-add').click();
    await expect.poll(() => page.getByTestId('agent-row-nina.nowak').textContent()).toContain('night-shift');
    expect(await drawnWhileHidden(page)).toEqual([]);
    await keep(page, 'admin-agents');

    // A client key: its secret is shown once, in a dialog.
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('key-name').fill('Mortgage web form');
    await page.getByTestId('key-create').click();
    await page.getByTestId('secret-dialog').waitFor({ state: 'visible' });
    const key = {
      keyId: (await page.getByTestId('secret-key-id').textContent()) ?? '',
      secret: (await page.getByTestId('secret-value').textContent()) ?? '',
    };
    expect(key.keyId).toMatch(/^key_/);
    expect(key.secret.length).toBeGreaterThan(20);
    await keep(page, 'admin-key-secret');
    await page.getByTestId('secret-close').click();
    await expect.poll(() => page.getByTestId('secret-value').textContent()).toBe('');
    expect(await page.getByTestId('secret-dialog').isVisible()).toBe(false);
    await expect.poll(() => page.getByTestId(`key-row-${key.keyId}`).textContent()).toContain('Active');
    expect(errors).toEqual([]);

    // The new agent signs in on the desktop, in a browser of their own, and is available.
    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const deskErrors = watchErrors(desk);
    await desk.goto(`${url}/agent`);
    await desk.getByTestId('signin-username').fill('nina.nowak');
    await desk.getByTestId('signin-password').fill('night-owl-2026');
    await desk.getByTestId('signin-submit').click();
    await expect
      .poll(() => desk.getByTestId('agent-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('available');

    // An event for the new campaign, signed with the new key: the offer rings on her desktop.
    const offerShown = desk.getByTestId('offer').waitFor({ state: 'visible', timeout: 15_000 });
    const answer = await signedFetch(url, key, 'POST', '/v1/events', {
      eventId: 'admin-pages-1',
      type: 'cash_loan.eligibility_checked',
      occurredAt: new Date().toISOString(),
      campaign: 'mortgage',
      person: { phone: '+48 601 555 777', name: 'Anna Zielińska' },
      consent: { phoneContact: true },
      offer: { product: 'Mortgage', amount: 400_000, currency: 'PLN', eligibility: 'pre_approved' },
    });
    expect(answer.status).toBe(202);
    await offerShown;
    await expect.poll(() => desk.getByTestId('lead-name').textContent()).toBe('Anna Zielińska');
    await keep(desk, 'admin-new-agent-offer');
    expect(deskErrors).toEqual([]);
  }, 180_000);
  it('lets an admin see every tenant, create and disable one, pick one to administer, and read its audit log', async () => {
    if (!browser || !pronto) throw new Error('not started');
    const url = pronto.url;
    // The installation's first admin key (npm start writes it) makes an admin account.
    const adminKey = JSON.parse(await readFile(join(dataDir, 'admin-key'), 'utf8')) as {
      keyId: string;
      secret: string;
    };
    const created = await signedFetch(url, adminKey, 'POST', '/v1/admin/admins', {
      username: 'root.admin',
      displayName: 'Installation admin',
      password: 'admin-pass-2026',
    });
    expect(created.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    page.on('dialog', (dialog) => dialog.accept());
    await page.goto(`${url}/manager`);
    await page.getByTestId('signin-username').fill('root.admin');
    await page.getByTestId('signin-password').fill('admin-pass-2026');
    await page.getByTestId('signin-submit').click();
    // An admin has no dashboard of its own: signing in at /manager goes straight to administration.
    await page.waitForURL(`${url}/manager/admin`);
    await expect
      .poll(() => page.getByTestId('admin-role').textContent(), { timeout: 10_000 })
      .toContain('admin');

    // The tenants first: the demo's, then a new one, disabled at once.
    await expect.poll(() => page.getByTestId('tenants').textContent()).toContain('demo');
    await page.getByTestId('tenant-slug').fill('globex');
    await page.getByTestId('tenant-name').fill('Globex');
    await page.getByTestId('tenant-create').click();
    await expect.poll(() => page.getByTestId('tenants').textContent()).toContain('Globex');
    await page.getByTestId('tenant-toggle-globex').click();
    await expect.poll(() => page.getByTestId('page-notice').textContent()).toBe('globex disabled.');
    await expect.poll(() => page.getByTestId('tenants').textContent()).toContain('Disabled');
    expect(await drawnWhileHidden(page)).toEqual([]);
    await keep(page, 'admin-tenants');

    // The demo tenant, picked: the manager's campaign is there, and the log tells who made it.
    await page.getByTestId('tenant-open-demo').click();
    await expect.poll(() => page.getByTestId('campaign-row-mortgage').textContent()).toContain('Mortgage');
    await page.getByTestId('nav-audit').click();
    await expect.poll(() => page.getByTestId('audit').textContent()).toContain('campaign.create');
    expect(await page.getByTestId('audit').textContent()).toContain('manager:manager');
    await page.getByTestId('audit-action').fill('agent.create');
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.getByTestId('audit').textContent()).not.toContain('campaign.create');
    expect(await page.getByTestId('audit').textContent()).toContain('nina.nowak');
    await keep(page, 'admin-audit');
    await page.getByTestId('audit-action').fill('');
    await page.getByTestId('audit-every-tenant').check();
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.getByTestId('audit').textContent()).toContain('tenant.disable');

    // The demo's key rotated with an hour's grace (the new secret shown once), then revoked: refused at once.
    const demoSecret = (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim();
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('key-rotate-demo-key').click();
    await page.getByTestId('rotate-grace').fill('3600');
    await page.getByTestId('rotate-confirm').click();
    await page.getByTestId('secret-dialog').waitFor({ state: 'visible' });
    expect(await page.getByTestId('secret-key-id').textContent()).toBe('demo-key');
    expect(await page.getByTestId('secret-value').textContent()).not.toBe(demoSecret);
    await page.getByTestId('secret-close').click();
    await expect
      .poll(() => page.getByTestId('key-row-demo-key').textContent())
      .toMatch(/\d{2}:\d{2}.*Active/);
    const oldKey = { keyId: 'demo-key', secret: demoSecret };
    expect((await signedFetch(url, oldKey, 'GET', '/v1/leads/none')).status).toBe(404);
    await page.getByTestId('key-revoke-demo-key').click();
    await expect.poll(() => page.getByTestId('key-row-demo-key').textContent()).toContain('Revoked');
    expect((await signedFetch(url, oldKey, 'GET', '/v1/leads/none')).status).toBe(401);
    expect(errors).toEqual([]);
  }, 120_000);
});
