import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, createInProcessBus } from '@pronto/bus';
import { registerConsole } from '@pronto/console';
import { createSessions, MANAGER_ROLE } from '@pronto/http';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { managerSessionAuthenticator, type Reporting, reportRoutes, startReporting } from '@pronto/reporting';
import {
  DAY,
  DAY_QUERY,
  eventually,
  FIRST_LEAD,
  foldedCount,
  playDay,
  writeLead,
} from '@pronto/reporting/testing';
import { REPORTED_EVENTS } from '@pronto/sla';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../../services/embedded/src/banner.ts';
import { seedDemo } from '../../services/embedded/src/seed-demo.ts';
import { seedDemoManager } from '../../services/embedded/src/seed-demo-manager.ts';
import { ARTIFACTS, drawnWhileHidden, launchChromium } from '../support/chromium.ts';

const logger = createLogger({ name: 'manager-browser-test', level: 'silent' });

let dataDir: string;
let harness: Harness;
let bus: Bus;
let reporting: Reporting;
let browser: Browser;
let url: string;
let demo: { tenantId: string; keyId: string; secret: string };
let campaignId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-manager-'));
  const db = await openTestDatabase();
  const now = () => new Date(harness.clock.ms);
  const sessions = createSessions({ role: MANAGER_ROLE, sql: db.sql, now });
  harness = await startHarness({
    db,
    deps: {
      signedRoutes: [async (scope) => scope.register(reportRoutes, { sql: db.sql, now })],
      sessionAuthenticator: managerSessionAuthenticator(sessions),
    },
  });
  await registerConsole(harness.app, { sql: db.sql, sessions, logger, now, refreshMs: 200 });
  harness.clock.ms = DAY + 20 * 3_600_000; // 22:00 in Warsaw: every lead of the day is due
  // The demo as `npm start` seeds it: its tenant, key and manager, who signs in below.
  demo = await seedDemo(db.prisma, harness.box, { dataDir });
  await seedDemoManager(db.sql, { tenantId: demo.tenantId, dataDir });
  const [campaign] = await db.sql.query<{ id: string }>(
    `SELECT id::text FROM campaign WHERE tenant_id = $1 AND slug = 'cash-loan'`,
    [demo.tenantId],
  );
  campaignId = campaign?.id as string;
  bus = createInProcessBus({ sql: db.sql, logger });
  reporting = await startReporting({ db, bus, logger });
  const published = await playDay(db, bus, demo.tenantId, campaignId, 100);
  const folded = published.filter((message) => REPORTED_EVENTS.has(message.payload.event)).length;
  await eventually(async () => (await foldedCount(db.sql)) === folded, 'the day is folded');
  url = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await reporting?.stop();
  await bus?.close();
  await harness?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the manager dashboard in a real browser', () => {
  it('signs in as the demo manager and shows the scripted day as the API and the CSV give it, live', async () => {
    const password = (await readFile(join(dataDir, 'demo-agent-password'), 'utf8')).trim();
    // What `npm start` prints for the manager.
    const printed = banner({ url, database: 'test', manager: { username: 'manager', password } });
    expect(printed).toContain(`${url}/manager`);
    expect(printed).toContain(`manager / ${password}`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The page's Content-Security-Policy must not block anything of its own (Chart.js included).
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    await page.goto(`${url}/manager`);
    await page.getByTestId('signin-username').fill('manager');
    await page.getByTestId('signin-password').fill('not the password');
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('wrong');
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('manager-name').textContent()).toBe('Demo manager');

    await page.getByTestId('filter-range').selectOption('dates');
    await page.getByTestId('filter-from').fill('2026-03-30');
    await page.getByTestId('filter-to').fill('2026-03-31');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => page.getByTestId('attainment').textContent()).toBe('92.9 %');
    const shown = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();
    const api = await harness.send('GET', `/v1/reports/sla?${DAY_QUERY}`, undefined, {
      keyId: demo.keyId,
      secret: demo.secret,
    });
    const report = api.json();
    expect(report).toMatchObject({ eligible: 98, met: 91, breached: 7, suppressed: 2 });
    expect(await shown('attainment')).toBe(`${(report.attainment * 100).toFixed(1)} %`);
    for (const figure of ['eligible', 'met', 'breached', 'open', 'suppressed'])
      expect(await shown(figure)).toBe(String(report[figure]));
    expect(await shown('reason-no_answer_all_attempts')).toMatch(/: 4$/);
    expect(await shown('reason-no_agent_available')).toMatch(/: 3$/);
    // Chart.js comes bundled in the page's script (no global): both charts are drawn on their canvases.
    const drawn = (id: string) =>
      page.evaluate(`(() => {
        const canvas = document.getElementById('${id}');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        return pixels.some((value, index) => index % 4 === 3 && value > 0);
      })()`);
    expect(await drawn('chart-speed')).toBe(true);
    expect(await drawn('chart-hours')).toBe(true);

    // Every breach, with its reason.
    await expect.poll(() => page.getByTestId('breach-row').count()).toBe(7);
    const reasonCells = await page.locator('[data-testid="breach-row"] td[data-reason]').all();
    const reasons = await Promise.all(reasonCells.map((cell) => cell.getAttribute('data-reason')));
    expect(reasons.filter((reason) => reason === 'no_answer_all_attempts')).toHaveLength(4);
    expect(reasons.filter((reason) => reason === 'no_agent_available')).toHaveLength(3);

    // The CSV link, with the browser's session, gives the rows the signed API gives.
    const href = (await page.getByTestId('csv-link').getAttribute('href')) as string;
    const fromPage = await page.context().request.get(`${url}${href}`);
    expect(fromPage.status()).toBe(200);
    const signedCsv = await harness.send('GET', `/v1/reports/sla.csv?${DAY_QUERY}`, undefined, {
      keyId: demo.keyId,
      secret: demo.secret,
    });
    expect(await fromPage.text()).toBe(signedCsv.body);
    expect(signedCsv.body.trim().split('\r\n')).toHaveLength(101);

    // One more lead that day, contacted in time: the page shows it without a reload.
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-state')).toBe('live');
    await page.evaluate(() => {
      (globalThis as { notReloaded?: boolean }).notReloaded = true;
    });
    await bus.publish(
      'lead-events',
      await writeLead(harness.db.sql, {
        tenantId: demo.tenantId,
        campaignId,
        n: 0,
        anchor: FIRST_LEAD + 100 * 5 * 60_000,
        phone: '+48609999999',
      }),
    );
    await expect.poll(() => shown('met'), { timeout: 15_000 }).toBe('92');
    expect(await shown('eligible')).toBe('99');
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    expect(await drawnWhileHidden(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'manager-dashboard.png'), fullPage: true });

    // A breach's history, one click away.
    const breachId = await page.getByTestId('breach-row').first().getAttribute('data-lead-id');
    await page.getByTestId('breach-link').first().click();
    await expect.poll(() => page.getByTestId('lead-id').textContent()).toBe(breachId);
    expect(await shown('lead-result')).toMatch(/^breached \((no_answer_all_attempts|no_agent_available)\)$/);
    expect(await page.getByTestId('lead-history').locator('tbody tr').count()).toBeGreaterThan(2);
    expect(pageErrors).toEqual([]);
  });
});
