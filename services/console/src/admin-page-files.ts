import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendAsset, sendFile } from '@pronto/http';
import { cachedPage } from '@pronto/pages';
import type { FastifyInstance } from 'fastify';

/** The administration pages' TypeScript (browser code, type-checked by tsconfig.browser.json). */
export const ADMIN_PAGES_SOURCE_DIR = fileURLToPath(new URL('../admin-pages/', import.meta.url));

/** The pages' script: esbuild's bundle of admin-pages/, a classic script as admin.html loads it. */
export const ADMIN_SCRIPT = cachedPage(join(ADMIN_PAGES_SOURCE_DIR, 'admin.ts'), { format: 'iife' });

/**
 * GET /manager/admin (tenants, campaigns, groups, agents, keys, audit log; signed in at /manager)
 * and its script, marked no-cache like the dashboard's. Its styles (admin.css) are served beside
 * the dashboard's by GET /manager/assets/:file.
 */
export function registerAdminPageFiles(scope: FastifyInstance, publicDir: string) {
  // Bundled from now on, so the first page load does not wait; a failure shows on request (a 500).
  ADMIN_SCRIPT().catch(() => {});
  scope.get('/manager/admin', async (_request, reply) => sendFile(reply, join(publicDir, 'admin.html')));
  scope.get('/manager/assets/admin.js', async (_request, reply) =>
    sendAsset(reply, 'admin.js', await ADMIN_SCRIPT()),
  );
}
