import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyReply } from 'fastify';
import { ProblemError } from './problems.ts';

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

/** The content type of a file name, by its extension (application/octet-stream when unknown). */
export const contentTypeOf = (name: string): string =>
  CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

/**
 * A plain file name in a folder itself: no separators, no leading dot, so `..`, hidden files and
 * subfolders can never be named, however the URL was encoded.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/** The name as given when it is a plain file name, otherwise a 404 problem. */
export function safeFileName(name: string): string {
  if (!SAFE_NAME.test(name)) throw new ProblemError('not-found', 'No such file');
  return name;
}

/**
 * A page's file: its bytes (read from disk at each request, or built once at start) with its content
 * type, marked no-cache (a new release shows at the next reload) and nosniff.
 */
export function sendAsset(reply: FastifyReply, name: string, content: Buffer | string) {
  return reply
    .type(contentTypeOf(name))
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(content);
}

/** A file read now and sent as sendAsset does; a missing one is a 404 problem with `notFoundDetail`. */
export async function sendFile(reply: FastifyReply, path: string, notFoundDetail = 'No such file') {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new ProblemError('not-found', notFoundDetail);
    throw error;
  }
  return sendAsset(reply, path, content);
}
