import { chmod, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPronto } from '../support/pronto-process.ts';

let parent: string;
let dataDir: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'pronto-modes-'));
  // A folder Pronto creates itself, as `npm start` does with .pronto on a fresh clone.
  dataDir = join(parent, '.pronto');
});
afterAll(async () => rm(parent, { recursive: true, force: true }));

/** Every path under `dir` (itself included) with its permission bits. */
async function modes(dir: string): Promise<{ path: string; mode: number; folder: boolean }[]> {
  const stat = await lstat(dir);
  const found = [{ path: dir, mode: stat.mode & 0o777, folder: stat.isDirectory() }];
  if (!stat.isDirectory()) return found;
  for (const entry of await readdir(dir)) found.push(...(await modes(join(dir, entry))));
  return found;
}

const readableByOthers = async (dir: string) =>
  (await modes(dir))
    .filter(({ mode }) => (mode & 0o077) !== 0)
    .map(({ path, mode }) => `${path} ${mode.toString(8)}`);

describe('the embedded data folder (phone numbers, the master key) is private to its user', () => {
  it('is created 0700 with every file 0600, and stays so while Pronto runs', async () => {
    // The embedded database's own files, in the PostgreSQL pass too (whose DATABASE_URL is inherited).
    const pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
      const all = await modes(dataDir);
      // The database's own files are there (about a thousand), not just the folder.
      expect(all.filter(({ path }) => path.includes(`${join(dataDir, 'db')}/`)).length).toBeGreaterThan(500);
      expect(await readableByOthers(dataDir)).toEqual([]);
    } finally {
      expect(await pronto.stop()).toBe(0);
    }
    expect(await readableByOthers(dataDir)).toEqual([]);
  }, 240_000);

  it('repairs a folder an earlier version left readable to all (0755, files 0666)', async () => {
    for (const { path, folder } of await modes(dataDir)) await chmod(path, folder ? 0o755 : 0o666);
    expect((await readableByOthers(dataDir)).length).toBeGreaterThan(500);

    const pronto = await startPronto({ PRONTO_DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      expect(await readableByOthers(dataDir)).toEqual([]);
      expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await fetch(`${pronto.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await pronto.stop()).toBe(0);
    }
  }, 240_000);
});
