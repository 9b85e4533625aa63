import { build } from 'esbuild';

/** How a page's script is bundled. The defaults suit serving: one minified file, no source map. */
export interface BundleOptions {
  /** `esm` for `<script type="module">`, `iife` for a classic script. Default: esm. */
  readonly format?: 'esm' | 'iife';
  /** Default: true. */
  readonly minify?: boolean;
  /** `inline` appends the source map to the script (for debugging); default: none. */
  readonly sourcemap?: 'inline' | 'none';
}

/** The browsers the pages support: the current evergreen ones (no transpiling of classes, async, ?.). */
export const BROWSER_TARGETS = ['chrome120', 'edge120', 'firefox120', 'safari17'];

/**
 * Bundles a page's TypeScript entry module and everything it imports (workspace packages and npm
 * packages such as chart.js included) into one script, in memory. Type-only imports, such as the
 * contract types, disappear; type-checking is tsc's job (`npm run typecheck`), not esbuild's.
 */
export async function bundlePage(entry: string, options: BundleOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: options.format ?? 'esm',
    target: BROWSER_TARGETS,
    minify: options.minify ?? true,
    sourcemap: options.sourcemap === 'inline' ? 'inline' : false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
  return output.text;
}

/**
 * A page script bundled once and kept in memory: the first call starts the bundling, later calls
 * share its result. A failed bundling is not kept, so the next call tries again.
 */
export function cachedPage(entry: string, options: BundleOptions = {}): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    if (!pending) {
      pending = bundlePage(entry, options);
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
