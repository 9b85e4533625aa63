import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { restrictToOwner } from '@pronto/db';

/**
 * The embedded database may be opened by one process only; a second one would corrupt it.
 * The pid file is taken atomically; one left by a process that no longer runs (after a crash) is taken over.
 * The folder holds every lead's phone number and the key to the API secrets, so it is made private to
 * the user first (0700, files 0600), including a folder an earlier version left readable to all.
 */
export async function lockDataFolder(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await restrictToOwner(dir);
  const file = join(dir, 'pronto.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && isRunning(holder)) {
        throw new Error(
          `another Pronto (pid ${holder}) is using the data folder ${dir}; stop it or set PRONTO_DATA_DIR`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock the data folder ${dir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The master key that encrypts API-key secrets. On a laptop it lives in the data folder (mode 0600),
 * created on first start; a deployment passes PRONTO_MASTER_KEY from its secret store instead, so
 * that the key and the database are never in the same place.
 */
export async function loadOrCreateMasterKey(dir: string, fromEnv: string | undefined): Promise<Buffer> {
  if (fromEnv) return Buffer.from(fromEnv, 'base64');
  const file = join(dir, 'master.key');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
