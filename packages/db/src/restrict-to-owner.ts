import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes a folder and everything under it private to the process's user: folders 0700, files 0600.
 * PGlite unpacks a new database with every file chmod-ed to 0666 (and ignores the umask doing so),
 * which let any local user read the leads' phone numbers. Only what is wider than that is changed,
 * so the walk over an existing database (about a thousand files) costs a few milliseconds.
 */
export async function restrictToOwner(dir: string): Promise<void> {
  const stat = await lstat(dir);
  if (!stat.isDirectory()) return;
  if ((stat.mode & 0o077) !== 0) await chmod(dir, 0o700);
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return restrictToOwner(path);
      if (!entry.isFile()) return;
      const mode = (await lstat(path)).mode;
      if ((mode & 0o077) !== 0) await chmod(path, mode & 0o700);
    }),
  );
}
