import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Credentials } from './admin-client.ts';

/** What `pronto login` keeps: the key, where it works, and who it is (a manager's tenant is the default --tenant). */
export interface StoredCredentials extends Credentials {
  role?: 'admin' | 'manager';
  tenant?: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

/** $PRONTO_CONFIG, else $XDG_CONFIG_HOME/pronto/credentials.json, else ~/.config/pronto/credentials.json. */
export function credentialsPath(env: Env): string {
  if (env.PRONTO_CONFIG) return env.PRONTO_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'pronto', 'credentials.json');
}

/** The secret signs as its holder: the folder is the user's alone (0700), the file too (0600). */
export async function saveCredentials(env: Env, credentials: StoredCredentials): Promise<string> {
  const file = credentialsPath(env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of a file that was already there.
  await chmod(file, 0o600);
  return file;
}

export async function loadCredentials(env: Env): Promise<StoredCredentials | undefined> {
  const file = credentialsPath(env);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(raw) as Partial<StoredCredentials>;
  if (!parsed.url || !parsed.keyId || !parsed.secret) throw new Error(`${file} lacks url, keyId or secret`);
  return parsed as StoredCredentials;
}
