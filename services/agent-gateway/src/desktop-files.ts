import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeFileName, sendAsset, sendFile } from '@pronto/http';
import { cachedPage } from '@pronto/pages';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The desktop page's folder in this package (agent.html, agent.css). */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The desktop's TypeScript modules, bundled by esbuild when first asked for. */
export const DESKTOP_SOURCE_DIR = fileURLToPath(new URL('../desktop/', import.meta.url));

/** The scripts: bundles of the desktop's modules, built once per process and kept in memory. */
const SCRIPTS: Record<string, () => Promise<string>> = {
  'agent.js': cachedPage(join(DESKTOP_SOURCE_DIR, 'agent.ts'), { format: 'esm' }),
  // A worker script is a classic script.
  'heartbeat-worker.js': cachedPage(join(DESKTOP_SOURCE_DIR, 'heartbeat-worker.ts'), { format: 'iife' }),
};

/**
 * GET /agent (the desktop page) and GET /agent/assets/:file (its scripts and styles), marked
 * no-cache: a new release shows at the next reload. The page and styles are read at each request.
 */
export function registerDesktopFiles(scope: FastifyInstance, publicDir: string) {
  // Bundled from now on, so the first page load does not wait; a failure shows on request (a 500).
  for (const script of Object.values(SCRIPTS)) script().catch(() => {});
  const send = async (reply: FastifyReply, name: string) => {
    // Own keys only: `constructor` or `toString` are not scripts.
    const script = Object.hasOwn(SCRIPTS, safeFileName(name)) ? SCRIPTS[name] : undefined;
    if (script) return sendAsset(reply, name, await script());
    return sendFile(reply, join(publicDir, name), `No file ${name}`);
  };
  scope.get('/agent', async (_request, reply) => send(reply, 'agent.html'));
  scope.get<{ Params: { file: string } }>('/agent/assets/:file', async (request, reply) =>
    send(reply, request.params.file),
  );
}
