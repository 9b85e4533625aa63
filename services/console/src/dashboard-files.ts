import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeFileName, sendFile } from '@pronto/http';
import type { FastifyInstance } from 'fastify';

/** The dashboard page's folder in this package. */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** Chart.js's UMD build, from the installed package: the page loads nothing from elsewhere. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

/**
 * GET /manager (the page, which signs in by itself) and GET /manager/assets/:file (its script,
 * styles and Chart.js). Read at each request and marked no-cache: a release shows at the next reload.
 */
export function registerDashboardFiles(scope: FastifyInstance, publicDir: string) {
  scope.get('/manager', async (_request, reply) => sendFile(reply, join(publicDir, 'manager.html')));
  scope.get('/manager/assets/chart.umd.js', async (_request, reply) => sendFile(reply, CHART_JS));
  scope.get<{ Params: { file: string } }>('/manager/assets/:file', async (request, reply) => {
    return sendFile(reply, join(publicDir, safeFileName(request.params.file)));
  });
}
