import { join } from 'node:path';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { bundlePage } from '@pronto/pages';
import { createLogger } from '@pronto/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PAGES_SOURCE_DIR } from './admin-page-files.ts';
import { registerConsole } from './register-console.ts';

const logger = createLogger({ name: 'admin-pages-test', level: 'silent' });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
  await registerConsole(harness.app, { sql: harness.db.sql, logger, now: () => new Date(harness.clock.ms) });
});
afterAll(async () => harness?.close());

describe('the administration pages (/manager/admin)', () => {
  it('serves the page, its bundled script and its styles, no-cache, under the pages’ CSP', async () => {
    const page = await harness.app.inject({ method: 'GET', url: '/manager/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<script src="/manager/assets/admin.js" defer></script>');
    // Every script is a file of Pronto's own: nothing inline for the CSP to have to allow.
    expect(page.body.match(/<script(?![^>]*\bsrc=)/g)).toBeNull();

    const script = await harness.app.inject({ method: 'GET', url: '/manager/assets/admin.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toBe('no-cache');
    expect(script.body).toBe(await bundlePage(join(ADMIN_PAGES_SOURCE_DIR, 'admin.ts'), { format: 'iife' }));
    // The pages write data as text, never as markup.
    expect(script.body).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);

    const styles = await harness.app.inject({ method: 'GET', url: '/manager/assets/admin.css' });
    expect(styles.statusCode).toBe(200);
    expect(styles.headers['content-type']).toContain('text/css');

    for (const response of [page, script, styles]) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});
