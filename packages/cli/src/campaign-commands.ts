import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import { campaignYaml, describeChange, readCampaignFile } from './campaign-file.ts';
import type { CliContext } from './cli-context.ts';
import { printJson, printTable } from './print-table.ts';

type Campaign = Record<string, unknown> & { slug: string; name: string; createdAt: string };

/** PUT .../campaigns/:campaign. */
interface ApplyAnswer {
  campaign: Campaign;
  created: boolean;
  applied: boolean;
  changes: { field: string; before: unknown; after: unknown }[];
}

/** `pronto campaign apply|list|get`: campaigns as files, applied declaratively. */
export function campaignCommands(program: Command, ctx: CliContext): void {
  const campaign = program.command('campaign').description("a tenant's campaigns, kept as YAML files");
  const campaignsOf = async (tenant: string | undefined) =>
    `/tenants/${seg(await ctx.tenant(tenant))}/campaigns`;

  campaign
    .command('apply')
    .description('make the campaign what the file says: shows the changes, then applies them')
    .requiredOption('-f, --file <path>', 'the YAML file: tenant, slug and the settings')
    .option('--tenant <slug>', "the tenant, instead of the file's")
    .option('--dry-run', 'show the changes, apply nothing')
    .action(async (options: { file: string; tenant?: string; dryRun?: boolean }) => {
      const file = await readCampaignFile(options.file);
      const tenant = await ctx.tenant(options.tenant ?? file.tenant);
      const path = `/tenants/${seg(tenant)}/campaigns/${seg(file.slug)}`;
      const client = await ctx.client();
      // The dry run first: the changes are shown, and a refused file is refused before anything is written.
      const preview = await client.call<ApplyAnswer>('PUT', `${path}?dryRun=true`, file.settings);
      const name = `${tenant}/${file.slug}`;
      if (!preview.created && preview.changes.length === 0) {
        ctx.out(`Campaign ${name}: no changes.`);
        return;
      }
      ctx.out(preview.created ? `Campaign ${name} will be created:` : `Campaign ${name} changes:`);
      for (const change of preview.changes) ctx.out(describeChange(change));
      if (options.dryRun) {
        ctx.out('Dry run: nothing applied.');
        return;
      }
      const applied = await client.call<ApplyAnswer>('PUT', path, file.settings);
      ctx.out(
        applied.created
          ? `Created campaign ${name}.`
          : `Applied ${applied.changes.length} ${applied.changes.length === 1 ? 'change' : 'changes'} to ${name}; the next dial follows them.`,
      );
    });

  campaign
    .command('list')
    .description("the tenant's campaigns")
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: Campaign[] }>(
        'GET',
        await campaignsOf(options.tenant),
      );
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['slug', (c) => c.slug],
        ['name', (c) => c.name],
        ['sla', (c) => `${c.slaSeconds}s ${c.slaClock}`],
        ['time zone', (c) => c.timeZone],
        ['groups', (c) => c.agentGroups],
      ]);
    });

  campaign
    .command('get <slug>')
    .description('the campaign as YAML that `campaign apply -f` takes')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--json', 'the answer as JSON')
    .action(async (slug: string, options: { tenant?: string; json?: boolean }) => {
      const tenant = await ctx.tenant(options.tenant);
      const found = await (await ctx.client()).call<Campaign>(
        'GET',
        `/tenants/${seg(tenant)}/campaigns/${seg(slug)}`,
      );
      if (options.json) printJson(ctx.out, found);
      else ctx.out((await campaignYaml(tenant, found)).trimEnd());
    });
}
