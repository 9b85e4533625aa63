import { join } from 'node:path';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { bundlePage } from '@pronto/pages';
import { createLogger } from '@pronto/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from './register-console.ts';
import { STAFFING_PAGE_SOURCE_DIR } from './staffing-page-files.ts';

const logger = createLogger({ name: 'staffing-page-test', level: 'silent' });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
  await registerConsole(harness.app, { sql: harness.db.sql, logger, now: () => new Date(harness.clock.ms) });
});
afterAll(async () => harness?.close());

describe('the staffing page (/manager/staffing)', () => {
  it('serves the page, its bundled script and its styles, no-cache, under the pages’ CSP, with Chart.js bundled in', async () => {
    const page = await harness.app.inject({ method: 'GET', url: '/manager/staffing' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<script src="/manager/assets/staffing.js" defer></script>');
    // Every script is a file of Pronto's own: nothing inline for the CSP to have to allow.
    expect(page.body.match(/<script(?![^>]*\bsrc=)/g)).toBeNull();
    // Nor any inline style: Chart.js sizes its canvas through the DOM, which the CSP allows.
    expect(page.body).not.toMatch(/<style|\sstyle=/);

    const script = await harness.app.inject({ method: 'GET', url: '/manager/assets/staffing.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toBe('no-cache');
    expect(script.body).toBe(
      await bundlePage(join(STAFFING_PAGE_SOURCE_DIR, 'staffing.ts'), { format: 'iife' }),
    );
    // The pages write data as text, never as markup.
    expect(script.body).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);

    const styles = await harness.app.inject({ method: 'GET', url: '/manager/assets/staffing.css' });
    expect(styles.statusCode).toBe(200);
    expect(styles.headers['content-type']).toContain('text/css');

    for (const response of [page, script, styles]) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('is linked from the dashboard’s and the administration pages’ headers, and links back', async () => {
    for (const url of ['/manager', '/manager/admin']) {
      const page = await harness.app.inject({ method: 'GET', url });
      expect(page.body).toContain('<a href="/manager/staffing" data-testid="staffing-link">Staffing</a>');
    }
    const staffing = await harness.app.inject({ method: 'GET', url: '/manager/staffing' });
    expect(staffing.body).toContain('<a href="/manager" data-testid="dashboard-link">Dashboard</a>');
  });
});
