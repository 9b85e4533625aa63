import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, cachedPage } from './bundle-page.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pages-'));
  await writeFile(
    join(dir, 'format.ts'),
    "export const shout = (text: string): string => text.toUpperCase() + '!';\n",
  );
  await writeFile(
    join(dir, 'page.ts'),
    [
      "import type { AgentState } from '@pronto/contracts';",
      "import { shout } from './format.ts';",
      "const state: AgentState = 'available';",
      'document.title = shout(state);',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'broken.ts'), 'const = ;\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a bundle as a classic script would, with a stand-in document, and returns the title it set. */
function titleAfterRunning(script: string) {
  const document = { title: '' };
  new Function('document', script)(document);
  return document.title;
}

describe('bundlePage', () => {
  it('bundles a TypeScript entry and its imports into one script, the types erased', async () => {
    const script = await bundlePage(join(dir, 'page.ts'), { format: 'iife' });
    expect(script).not.toMatch(/\bimport\b/);
    expect(script).not.toContain('AgentState');
    expect(titleAfterRunning(script)).toBe('AVAILABLE!');
  });

  it('minifies by default and not when asked; an inline source map only when asked', async () => {
    const minified = await bundlePage(join(dir, 'page.ts'));
    const readable = await bundlePage(join(dir, 'page.ts'), { minify: false });
    expect(minified.length).toBeLessThan(readable.length);
    expect(readable).toContain('var shout = ');
    expect(minified).not.toContain('sourceMappingURL');
    const mapped = await bundlePage(join(dir, 'page.ts'), { sourcemap: 'inline' });
    expect(mapped).toContain('//# sourceMappingURL=data:application/json;base64,');
  });

  it('fails with the file and the error when the entry does not compile', async () => {
    await expect(bundlePage(join(dir, 'broken.ts'))).rejects.toThrow(/broken\.ts/);
  });
});

describe('cachedPage', () => {
  it('bundles once and shares the result', async () => {
    const page = cachedPage(join(dir, 'page.ts'));
    const first = page();
    expect(page()).toBe(first);
    expect(await first).toBe(await bundlePage(join(dir, 'page.ts')));
  });

  it('forgets a failed bundling, so the next call tries again', async () => {
    const page = cachedPage(join(dir, 'broken.ts'));
    const first = page();
    await expect(first).rejects.toThrow();
    expect(page()).not.toBe(first);
    await expect(page()).rejects.toThrow();
  });
});
