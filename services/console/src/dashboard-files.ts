import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ManagerProblem } from './manager-problems.ts';

/** The dashboard page's folder in this package. */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** Chart.js's UMD build, from the installed package: the page loads nothing from elsewhere. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * A plain file name in the folder itself: no separators, no leading dot, so `..`, hidden files and
 * subfolders can never be named, however the URL was encoded.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/**
 * GET /manager (the page, which signs in by itself) and GET /manager/assets/:file (its script,
 * styles and Chart.js). Read at each request and marked no-cache: a release shows at the next reload.
 */
export function registerDashboardFiles(scope: FastifyInstance, publicDir: string) {
  scope.get('/manager', async (_request, reply) => sendFile(reply, join(publicDir, 'manager.html')));
  scope.get('/manager/assets/chart.umd.js', async (_request, reply) => sendFile(reply, CHART_JS));
  scope.get<{ Params: { file: string } }>('/manager/assets/:file', async (request, reply) => {
    if (!SAFE_NAME.test(request.params.file)) throw new ManagerProblem('not-found', 'No such file');
    return sendFile(reply, join(publicDir, request.params.file));
  });
}

async function sendFile(reply: FastifyReply, path: string) {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new ManagerProblem('not-found', 'No such file');
    throw error;
  }
  return reply
    .type(CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(content);
}
