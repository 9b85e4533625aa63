import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import type { CliContext } from './cli-context.ts';
import { printJson, printTable } from './print-table.ts';

interface Group {
  name: string;
  displayName: string;
  agents: number;
  campaigns: string[];
}

/** `pronto group create|list|delete`: the groups campaigns overflow through. */
export function groupCommands(program: Command, ctx: CliContext): void {
  const group = program.command('group').description("a tenant's agent groups");
  const groupsOf = async (tenant: string | undefined) => `/tenants/${seg(await ctx.tenant(tenant))}/groups`;

  group
    .command('create <name>')
    .description('a new group (or a new display name for one)')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--display-name <text>', 'how the console shows it')
    .action(async (name: string, options: { tenant?: string; displayName?: string }) => {
      const path = `${await groupsOf(options.tenant)}/${seg(name)}`;
      const body = options.displayName ? { displayName: options.displayName } : {};
      const saved = await (await ctx.client()).call<Group>('PUT', path, body);
      ctx.out(`Group ${saved.name} (${saved.displayName}) saved.`);
    });

  group
    .command('list')
    .description("the tenant's groups, with their agents and campaigns")
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: Group[] }>(
        'GET',
        await groupsOf(options.tenant),
      );
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['name', (g) => g.name],
        ['display name', (g) => g.displayName],
        ['agents', (g) => g.agents],
        ['campaigns', (g) => g.campaigns],
      ]);
    });

  group
    .command('delete <name>')
    .description('remove a group no campaign or agent names any more')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .action(async (name: string, options: { tenant?: string }) => {
      await (await ctx.client()).call('DELETE', `${await groupsOf(options.tenant)}/${seg(name)}`);
      ctx.out(`Group ${name} deleted.`);
    });
}
