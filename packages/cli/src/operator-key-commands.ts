import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import { type CliContext, CliError } from './cli-context.ts';
import { printSecretOnce } from './key-commands.ts';
import { printJson, printTable } from './print-table.ts';

interface OperatorKey {
  keyId: string;
  role: 'admin' | 'manager';
  tenant: string | null;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** `pronto operator-key create|list|revoke`: keys of this admin API (admin only). */
export function operatorKeyCommands(program: Command, ctx: CliContext): void {
  const key = program
    .command('operator-key')
    .description('keys of the admin API itself, for people and scripts (admin)');

  key
    .command('create')
    .description('a new admin key, or a manager key for one tenant; its secret is printed once')
    .requiredOption('--role <role>', 'admin or manager')
    .option('--tenant <slug>', "a manager key's tenant")
    .option('--name <name>', 'whose key it is')
    .action(async (options: { role: string; tenant?: string; name?: string }) => {
      if (options.role !== 'admin' && options.role !== 'manager')
        throw new CliError('--role is admin or manager');
      const created = await (await ctx.client()).call<OperatorKey & { secret: string }>(
        'POST',
        '/operator-keys',
        {
          role: options.role,
          ...(options.tenant ? { tenant: options.tenant } : {}),
          ...(options.name ? { name: options.name } : {}),
        },
      );
      ctx.out(
        `Created ${created.role} key ${created.keyId}${created.tenant ? ` for tenant ${created.tenant}` : ''}.`,
      );
      printSecretOnce(ctx.out, created.keyId, created.secret);
    });

  key
    .command('list')
    .description('the operator keys (never their secrets)')
    .option('--tenant <slug>', "only this tenant's manager keys")
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const query = options.tenant ? `?tenant=${seg(options.tenant)}` : '';
      const answer = await (await ctx.client()).call<{ items: OperatorKey[] }>(
        'GET',
        `/operator-keys${query}`,
      );
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['key id', (k) => k.keyId],
        ['role', (k) => k.role],
        ['tenant', (k) => k.tenant],
        ['name', (k) => k.name],
        ['created', (k) => k.createdAt],
        ['revoked', (k) => k.revokedAt],
      ]);
    });

  key
    .command('revoke <keyId>')
    .description('the key stops working at once, on every instance')
    .action(async (keyId: string) => {
      const revoked = await (await ctx.client()).call<OperatorKey>(
        'POST',
        `/operator-keys/${seg(keyId)}/revoke`,
      );
      ctx.out(`Revoked operator key ${revoked.keyId} at ${revoked.revokedAt}.`);
    });
}
