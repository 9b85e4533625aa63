import type { Command } from 'commander';
import { type Credentials, createAdminClient } from './admin-client.ts';
import { type CliContext, CliError } from './cli-context.ts';
import { saveCredentials } from './credentials-store.ts';
import { printJson } from './print-table.ts';
import { readTextFile } from './read-text-file.ts';

/** GET /v1/admin/whoami. */
interface WhoAmI {
  role: 'admin' | 'manager';
  tenant: string | null;
  actor: string;
}

const describeWho = (who: WhoAmI) =>
  `${who.role === 'admin' ? 'an admin of the installation' : `a manager of tenant ${who.tenant}`} (${who.actor})`;

/** `pronto login` and `pronto whoami`. */
export function sessionCommands(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('check an operator key against Pronto and keep it for the other commands')
    .option('--url <url>', 'where Pronto is, e.g. http://127.0.0.1:8080 (or $PRONTO_URL)')
    .option('--key-id <id>', 'the operator key id (or $PRONTO_KEY_ID)')
    .option('--secret <secret>', 'its secret (or $PRONTO_SECRET)')
    .option(
      '--key-file <path>',
      'a JSON file with keyId, secret and url, such as <data>/admin-key of npm start',
    )
    .action(async (options: { url?: string; keyId?: string; secret?: string; keyFile?: string }) => {
      const file = options.keyFile ? await readKeyFile(options.keyFile) : {};
      const credentials: Partial<Credentials> = {
        url: options.url ?? file.url ?? ctx.env.PRONTO_URL,
        keyId: options.keyId ?? file.keyId ?? ctx.env.PRONTO_KEY_ID,
        secret: options.secret ?? file.secret ?? ctx.env.PRONTO_SECRET,
      };
      const missing = (['url', 'keyId', 'secret'] as const).filter((name) => !credentials[name]);
      if (missing.length > 0) {
        throw new CliError(
          `login needs ${missing.join(', ')}: pass --url, --key-id and --secret, or --key-file <path>, or set PRONTO_URL, PRONTO_KEY_ID and PRONTO_SECRET.`,
        );
      }
      const complete = credentials as Credentials;
      if (!URL.canParse(complete.url)) throw new CliError(`--url is not a URL: ${complete.url}`);
      const client = createAdminClient(complete);
      const who = await client.call<WhoAmI>('GET', '/whoami');
      const saved = await saveCredentials(ctx.env, {
        url: client.url,
        keyId: complete.keyId,
        secret: complete.secret,
        role: who.role,
        tenant: who.tenant,
      });
      ctx.out(`Logged in to ${client.url} as ${describeWho(who)}.`);
      ctx.out(`Credentials saved in ${saved} (readable by you only).`);
    });

  program
    .command('whoami')
    .description('who the saved key (or PRONTO_KEY_ID) is')
    .option('--json', 'the answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ctx.client();
      const who = await client.call<WhoAmI>('GET', '/whoami');
      if (options.json) printJson(ctx.out, who);
      else ctx.out(`${client.url}: ${describeWho(who)}`);
    });
}

async function readKeyFile(path: string): Promise<Partial<Credentials>> {
  const raw = await readTextFile(path, 'the key file');
  try {
    const json = JSON.parse(raw) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
    const { url, keyId, secret } = {
      url: text(json.url),
      keyId: text(json.keyId),
      secret: text(json.secret),
    };
    return { ...(url ? { url } : {}), ...(keyId ? { keyId } : {}), ...(secret ? { secret } : {}) };
  } catch {
    throw new CliError(`The key file ${path} is not JSON with keyId and secret.`);
  }
}
