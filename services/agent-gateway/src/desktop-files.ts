import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ProblemError } from './problems.ts';

/** The desktop page's folder in this package. */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A plain file name in the folder itself: no separators, no leading dot, so `..`, hidden files and
 * subfolders can never be named, however the URL was encoded.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/**
 * GET /agent (the desktop page) and GET /agent/assets/:file (its scripts and styles). Files are
 * read at each request and marked no-cache: a new release shows at the next reload, and the page
 * is small.
 */
export function registerDesktopFiles(scope: FastifyInstance, publicDir: string) {
  scope.get('/agent', async (_request, reply) => sendFile(reply, publicDir, 'agent.html'));
  scope.get<{ Params: { file: string } }>('/agent/assets/:file', async (request, reply) =>
    sendFile(reply, publicDir, request.params.file),
  );
}

async function sendFile(reply: FastifyReply, publicDir: string, name: string) {
  if (!SAFE_NAME.test(name)) throw new ProblemError('not-found', 'No such file');
  let content: Buffer;
  try {
    content = await readFile(join(publicDir, name));
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'EISDIR'
    )
      throw new ProblemError('not-found', `No file ${name}`);
    throw error;
  }
  return reply
    .type(CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(content);
}
