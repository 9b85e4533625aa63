import { readFile } from 'node:fs/promises';
import { CliError } from './cli-context.ts';

/** A file the user named: one that cannot be read is said with its name and why (ENOENT, EACCES). */
export async function readTextFile(path: string, what = ''): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(
      `Cannot read ${what ? `${what} ` : ''}${path}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}
