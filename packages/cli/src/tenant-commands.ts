import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import { type CliContext, CliError } from './cli-context.ts';
import { printJson, printTable } from './print-table.ts';

interface Tenant {
  slug: string;
  name: string;
  disabled: boolean;
  createdAt: string;
}

/** `pronto tenant create|list|get|rename|disable|enable`. */
export function tenantCommands(program: Command, ctx: CliContext): void {
  const tenant = program.command('tenant').description('tenants: the companies Pronto calls for (admin)');

  tenant
    .command('create <slug>')
    .description('a new tenant')
    .requiredOption('--name <name>', 'its display name')
    .action(async (slug: string, options: { name: string }) => {
      const client = await ctx.client();
      const created = await client.call<Tenant>('POST', '/tenants', { slug, name: options.name });
      ctx.out(`Created tenant ${created.slug} (${created.name}).`);
    });

  tenant
    .command('list')
    .description('every tenant (a manager: its own)')
    .option('--json', 'the answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: Tenant[] }>('GET', '/tenants');
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['slug', (t) => t.slug],
        ['name', (t) => t.name],
        ['status', (t) => (t.disabled ? 'disabled' : 'active')],
        ['created', (t) => t.createdAt],
      ]);
    });

  tenant
    .command('get <slug>')
    .description('one tenant')
    .option('--json', 'the answer as JSON')
    .action(async (slug: string, options: { json?: boolean }) => {
      const found = await (await ctx.client()).call<Tenant>('GET', `/tenants/${seg(slug)}`);
      if (options.json) return printJson(ctx.out, found);
      ctx.out(
        `${found.slug}: ${found.name}, ${found.disabled ? 'disabled' : 'active'}, created ${found.createdAt}`,
      );
    });

  const patch = async (
    slug: string,
    body: { name?: string; disabled?: boolean },
    said: (t: Tenant) => string,
  ) => {
    const updated = await (await ctx.client()).call<Tenant>('PATCH', `/tenants/${seg(slug)}`, body);
    ctx.out(said(updated));
  };
  tenant
    .command('rename <slug> [name]')
    .description("change a tenant's display name")
    .option('--name <name>', 'the new name (or give it after the slug)')
    .action((slug: string, name: string | undefined, options: { name?: string }) => {
      const next = options.name ?? name;
      if (!next) throw new CliError('the new name is missing: pronto tenant rename <slug> --name <name>');
      return patch(slug, { name: next }, (t) => `Tenant ${t.slug} is now named ${t.name}.`);
    });
  tenant
    .command('disable <slug>')
    .description("stop a tenant: its keys answer 401, its leads are not dialed, its managers' sessions end")
    .action((slug: string) => patch(slug, { disabled: true }, (t) => `Tenant ${t.slug} is disabled.`));
  tenant
    .command('enable <slug>')
    .description('start a disabled tenant again')
    .action((slug: string) => patch(slug, { disabled: false }, (t) => `Tenant ${t.slug} is enabled.`));
}
