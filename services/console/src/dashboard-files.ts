import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeFileName, sendAsset, sendFile } from '@pronto/http';
import { cachedPage } from '@pronto/pages';
import type { FastifyInstance } from 'fastify';

/** The dashboard page's folder in this package (manager.html, manager.css). */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The dashboard's TypeScript (browser code, type-checked by tsconfig.browser.json). */
export const DASHBOARD_SOURCE_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

/**
 * The page's script: esbuild's bundle of the dashboard's modules and Chart.js (from the installed
 * package: the page loads nothing from elsewhere), a classic script as manager.html loads it, built
 * once per process and kept in memory.
 */
export const DASHBOARD_SCRIPT = cachedPage(join(DASHBOARD_SOURCE_DIR, 'manager.ts'), { format: 'iife' });

/**
 * GET /manager (the page, which signs in by itself) and GET /manager/assets/:file (its script and
 * styles), marked no-cache: a release shows at the next reload. The page and styles are read at
 * each request.
 */
export function registerDashboardFiles(scope: FastifyInstance, publicDir: string) {
  // Bundled from now on, so the first page load does not wait; a failure shows on request (a 500).
  DASHBOARD_SCRIPT().catch(() => {});
  scope.get('/manager', async (_request, reply) => sendFile(reply, join(publicDir, 'manager.html')));
  scope.get('/manager/assets/manager.js', async (_request, reply) =>
    sendAsset(reply, 'manager.js', await DASHBOARD_SCRIPT()),
  );
  scope.get<{ Params: { file: string } }>('/manager/assets/:file', async (request, reply) => {
    return sendFile(reply, join(publicDir, safeFileName(request.params.file)));
  });
}
