import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from './pronto-process.ts';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run), driven by playwright-core. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where browser tests keep their screenshots (test/artifacts, not committed). */
export const ARTIFACTS = join(repoRoot, 'test', 'artifacts');

/** A headless Chromium that fetches nothing on its own (no updates, no sync, no QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A whole-page screenshot in test/artifacts, named for what it shows (docs/images holds copies). */
export async function keep(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Elements marked `hidden` that the page still draws (a stylesheet's `display` outranks the
 * attribute's): each named by its test id, id or tag. A page must show none.
 */
export function drawnWhileHidden(page: Page): Promise<string[]> {
  // A string, as it runs in the page (this package is typed without the DOM's globals).
  return page.evaluate(`[...document.querySelectorAll('[hidden]')]
    .filter((element) => getComputedStyle(element).display !== 'none')
    .map((element) => element.dataset.testid ?? (element.id || element.tagName.toLowerCase()))`);
}
