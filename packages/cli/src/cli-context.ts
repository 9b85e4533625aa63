import { type AdminClient, createAdminClient } from './admin-client.ts';
import { loadCredentials, type StoredCredentials } from './credentials-store.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A failure the CLI explains itself (a missing option, an unreadable file, invalid rows): said on stderr, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** What every command reads and writes; the process's own streams and environment in `pronto`. */
export interface CliIo {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether stderr is a terminal: progress bars are drawn there only. */
  stderrIsTty: boolean;
}

export interface CliContext extends CliIo {
  /** The admin API, signed with PRONTO_KEY_ID/PRONTO_SECRET or else the key `pronto login` saved. */
  client(): Promise<AdminClient>;
  /** The tenant a command acts on: --tenant, else the logged-in manager's own tenant. */
  tenant(given: string | undefined): Promise<string>;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export function createCliContext(io: CliIo): CliContext {
  let resolved: StoredCredentials | undefined;

  async function credentials(): Promise<StoredCredentials> {
    if (resolved) return resolved;
    const stored = await loadCredentials(io.env);
    const { PRONTO_URL, PRONTO_KEY_ID, PRONTO_SECRET } = io.env;
    if (PRONTO_KEY_ID && PRONTO_SECRET) {
      resolved = {
        url: PRONTO_URL ?? stored?.url ?? DEFAULT_URL,
        keyId: PRONTO_KEY_ID,
        secret: PRONTO_SECRET,
      };
    } else if (stored) {
      resolved = { ...stored, url: PRONTO_URL ?? stored.url };
    } else {
      throw new CliError(
        'Not logged in: run `pronto login --url <url> --key-id <id> --secret <secret>` (or --key-file <file>), or set PRONTO_URL, PRONTO_KEY_ID and PRONTO_SECRET.',
      );
    }
    return resolved;
  }

  return {
    ...io,
    async client() {
      return createAdminClient(await credentials());
    },
    async tenant(given) {
      if (given) return given;
      const stored = await credentials();
      if (stored.tenant) return stored.tenant;
      throw new CliError('--tenant <slug> is required (an admin key acts on every tenant).');
    },
  };
}
