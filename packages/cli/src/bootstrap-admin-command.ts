import type { Command } from 'commander';
import { type CliContext, CliError } from './cli-context.ts';
import { printSecretOnce } from './key-commands.ts';

/**
 * `pronto bootstrap-admin`: the first admin key of a distributed installation, written straight into its
 * database, since no key exists yet to ask the API for one. It needs what the console needs to read the
 * key back: the database and PRONTO_MASTER_KEY, which seals the secret.
 */
export function bootstrapAdminCommand(program: Command, ctx: CliContext): void {
  program
    .command('bootstrap-admin')
    .description(
      "issue an admin key directly in the database (distributed mode's first key; needs PRONTO_MASTER_KEY)",
    )
    .option('--database-url <url>', 'the PostgreSQL database (or $DATABASE_URL)')
    .option('--name <name>', 'whose key it is', 'bootstrap')
    .option('--url <url>', "the console's URL, for the login line printed")
    .action(async (options: { databaseUrl?: string; name: string; url?: string }) => {
      const url = options.databaseUrl ?? ctx.env.DATABASE_URL;
      if (!url) throw new CliError('--database-url (or DATABASE_URL) is required.');
      const masterKey = Buffer.from(ctx.env.PRONTO_MASTER_KEY ?? '', 'base64');
      if (masterKey.length !== 32) {
        throw new CliError("PRONTO_MASTER_KEY must be the console's master key: 32 bytes, base64.");
      }
      // Loaded here only: every other command starts without the database driver.
      const [{ openDatabase }, { createSecretBox, issueOperatorKey }] = await Promise.all([
        import('@pronto/db'),
        import('@pronto/tenancy'),
      ]);
      const db = await openDatabase({ url });
      try {
        const key = await issueOperatorKey(db.sql, createSecretBox(masterKey), {
          role: 'admin',
          tenantId: null,
          name: options.name,
        });
        ctx.out(`Issued admin key ${key.keyId}.`);
        printSecretOnce(ctx.out, key.keyId, key.secret);
        ctx.out(
          `Log in: pronto login --url ${options.url ?? '<console URL>'} --key-id ${key.keyId} --secret <secret>`,
        );
      } finally {
        await db.close();
      }
    });
}
