import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendAsset, sendFile } from '@pronto/http';
import { cachedPage } from '@pronto/pages';
import type { FastifyInstance } from 'fastify';

/** The staffing page's TypeScript (browser code, type-checked by tsconfig.browser.json). */
export const STAFFING_PAGE_SOURCE_DIR = fileURLToPath(new URL('../staffing-page/', import.meta.url));

/**
 * The page's script: esbuild's bundle of staffing-page/ and Chart.js (from the installed package, as
 * the dashboard's), a classic script as staffing.html loads it.
 */
export const STAFFING_SCRIPT = cachedPage(join(STAFFING_PAGE_SOURCE_DIR, 'staffing.ts'), { format: 'iife' });

/**
 * GET /manager/staffing (agents needed per hour against agents signed in, and a what-if; signed in
 * at /manager; its figures come from GET /v1/staffing) and its script, marked no-cache like the
 * dashboard's. Its styles (staffing.css) are served beside the dashboard's by GET /manager/assets/:file.
 */
export function registerStaffingPageFiles(scope: FastifyInstance, publicDir: string) {
  // Bundled from now on, so the first page load does not wait; a failure shows on request (a 500).
  STAFFING_SCRIPT().catch(() => {});
  scope.get('/manager/staffing', async (_request, reply) =>
    sendFile(reply, join(publicDir, 'staffing.html')),
  );
  scope.get('/manager/assets/staffing.js', async (_request, reply) =>
    sendAsset(reply, 'staffing.js', await STAFFING_SCRIPT()),
  );
}
