import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import type { CliContext } from './cli-context.ts';
import { printJson, printTable } from './print-table.ts';

interface Manager {
  username: string;
  displayName: string | null;
  disabled: boolean;
  createdAt: string;
}

/** `pronto manager create|list|disable|enable|password`: console accounts, a tenant's managers or (--admin) the installation's admins. */
export function managerCommands(program: Command, ctx: CliContext): void {
  const manager = program.command('manager').description("console accounts: a tenant's managers, or admins");
  const managersOf = async (options: { tenant?: string; admin?: boolean }) =>
    options.admin ? '/admins' : `/tenants/${seg(await ctx.tenant(options.tenant))}/managers`;

  manager
    .command('create <username>')
    .description('a new manager of a tenant (or, with --admin, an admin), who signs in at /manager')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--admin', 'an admin of the whole installation instead of a tenant manager')
    .option('--name <text>', 'the display name')
    .requiredOption('--password <password>', 'the first password')
    .action(
      async (
        username: string,
        options: { tenant?: string; admin?: boolean; name?: string; password: string },
      ) => {
        const created = await (await ctx.client()).call<Manager>('POST', await managersOf(options), {
          username,
          password: options.password,
          ...(options.name ? { displayName: options.name } : {}),
        });
        ctx.out(`Created ${options.admin ? 'admin' : 'manager'} ${created.username}.`);
      },
    );

  const scope = (command: Command) =>
    command
      .option('--tenant <slug>', "the tenant (default: a manager key's own)")
      .option('--admin', 'an admin instead of a tenant manager');
  const setDisabled =
    (disabled: boolean) => async (username: string, options: { tenant?: string; admin?: boolean }) => {
      const path = `${await managersOf(options)}/${seg(username)}`;
      const updated = await (await ctx.client()).call<Manager>('PATCH', path, { disabled });
      ctx.out(`${updated.username} is ${disabled ? 'disabled: signed out, cannot sign in' : 'enabled'}.`);
    };
  scope(manager.command('disable <username>'))
    .description('the account is signed out at once and cannot sign in')
    .action(setDisabled(true));
  scope(manager.command('enable <username>'))
    .description('a disabled account may sign in again')
    .action(setDisabled(false));
  scope(manager.command('password <username>'))
    .description("set a manager's (or admin's) password; their sessions end")
    .requiredOption('--password <password>', 'the new password')
    .action(async (username: string, options: { tenant?: string; admin?: boolean; password: string }) => {
      const path = `${await managersOf(options)}/${seg(username)}/password`;
      await (await ctx.client()).call('POST', path, { password: options.password });
      ctx.out(`Password of ${username} changed; their sessions ended.`);
    });

  manager
    .command('list')
    .description("the tenant's managers (or, with --admin, the admins)")
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--admin', 'the admins instead')
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; admin?: boolean; json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: Manager[] }>('GET', await managersOf(options));
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['username', (m) => m.username],
        ['name', (m) => m.displayName],
        ['status', (m) => (m.disabled ? 'disabled' : 'active')],
        ['created', (m) => m.createdAt],
      ]);
    });
}
