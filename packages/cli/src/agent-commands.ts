import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import { readAgentsCsv } from './agents-csv.ts';
import { type CliContext, CliError } from './cli-context.ts';
import { importAgents } from './import-agents.ts';
import { splitList } from './list-option.ts';
import { printJson, printTable } from './print-table.ts';

interface Agent {
  username: string;
  displayName: string;
  sipEndpoint: string | null;
  groups: string[];
  languages: string[];
  disabled: boolean;
  state: string;
}

const TENANT = ['--tenant <slug>', "the tenant (default: a manager key's own)"] as const;

/** `pronto agent create|list|update|disable|enable|password|import`. */
export function agentCommands(program: Command, ctx: CliContext): void {
  const agent = program.command('agent').description("a tenant's agents: the people who take the calls");
  const agentsOf = async (tenant: string | undefined) => `/tenants/${seg(await ctx.tenant(tenant))}/agents`;

  agent
    .command('create <username>')
    .description('a new agent, who signs in at /agent')
    .option(...TENANT)
    .requiredOption('--name <text>', 'the display name')
    .requiredOption('--password <password>', 'the first password (8 characters or more)')
    .option('--sip <endpoint>', 'the phone the dialer rings, e.g. PJSIP/101')
    .option('--groups <a,b>', 'the groups the agent is in')
    .option('--languages <pl,en>', 'the languages the agent speaks')
    .action(
      async (
        username: string,
        options: {
          tenant?: string;
          name: string;
          password: string;
          sip?: string;
          groups?: string;
          languages?: string;
        },
      ) => {
        const created = await (await ctx.client()).call<Agent>('POST', await agentsOf(options.tenant), {
          username,
          displayName: options.name,
          password: options.password,
          ...(options.sip ? { sipEndpoint: options.sip } : {}),
          groups: splitList(options.groups, ','),
          languages: splitList(options.languages, ','),
        });
        ctx.out(`Created agent ${created.username} (${created.displayName}).`);
      },
    );

  agent
    .command('list')
    .description("the tenant's agents and what each is doing")
    .option(...TENANT)
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: Agent[] }>(
        'GET',
        await agentsOf(options.tenant),
      );
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['username', (a) => a.username],
        ['name', (a) => a.displayName],
        ['sip', (a) => a.sipEndpoint],
        ['groups', (a) => a.groups],
        ['languages', (a) => a.languages],
        ['state', (a) => (a.disabled ? 'disabled' : a.state)],
      ]);
    });

  agent
    .command('update <username>')
    .description("change an agent's name, phone, groups or languages; what is not given stays")
    .option(...TENANT)
    .option('--name <text>', 'the display name')
    .option('--sip <endpoint>', 'the phone the dialer rings, e.g. PJSIP/101 (`none`: no phone)')
    .option('--groups <a,b>', 'the groups the agent is in (replaces them)')
    .option('--languages <pl,en>', 'the languages the agent speaks (replaces them)')
    .action(
      async (
        username: string,
        options: { tenant?: string; name?: string; sip?: string; groups?: string; languages?: string },
      ) => {
        const changes = {
          ...(options.name !== undefined ? { displayName: options.name } : {}),
          ...(options.sip !== undefined ? { sipEndpoint: options.sip === 'none' ? null : options.sip } : {}),
          ...(options.groups !== undefined ? { groups: splitList(options.groups, ',') } : {}),
          ...(options.languages !== undefined ? { languages: splitList(options.languages, ',') } : {}),
        };
        if (Object.keys(changes).length === 0)
          throw new CliError('Nothing to change: give --name, --sip, --groups or --languages.');
        const path = `${await agentsOf(options.tenant)}/${seg(username)}`;
        const updated = await (await ctx.client()).call<Agent>('PATCH', path, changes);
        ctx.out(
          `Agent ${updated.username}: ${updated.displayName}, phone ${updated.sipEndpoint ?? 'none'}, groups ${updated.groups.join(', ') || 'none'}.`,
        );
      },
    );

  const setDisabled = (disabled: boolean) => async (username: string, options: { tenant?: string }) => {
    const path = `${await agentsOf(options.tenant)}/${seg(username)}`;
    const updated = await (await ctx.client()).call<Agent>('PATCH', path, { disabled });
    ctx.out(
      `Agent ${updated.username} is ${disabled ? 'disabled: offered nothing more, signed out' : 'enabled'}.`,
    );
  };
  agent
    .command('disable <username>')
    .description('the agent is offered no more calls and is signed out at once')
    .option(...TENANT)
    .action(setDisabled(true));
  agent
    .command('enable <username>')
    .description('a disabled agent may work again')
    .option(...TENANT)
    .action(setDisabled(false));

  agent
    .command('password <username>')
    .description("set an agent's password; the agent's sessions end")
    .option(...TENANT)
    .requiredOption('--password <password>', 'the new password (8 characters or more)')
    .action(async (username: string, options: { tenant?: string; password: string }) => {
      const path = `${await agentsOf(options.tenant)}/${seg(username)}/password`;
      await (await ctx.client()).call('POST', path, { password: options.password });
      ctx.out(`Password of ${username} changed; the agent's sessions ended.`);
    });

  agent
    .command('import <file>')
    .description('agents from a CSV file: username,displayName,password,sipEndpoint,groups,languages')
    .option(...TENANT)
    .option('--skip-invalid', 'import the valid rows even if some are not')
    .option('--dry-run', 'check every row, create nobody')
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .action(
      async (
        file: string,
        options: { tenant?: string; skipInvalid?: boolean; dryRun?: boolean; progress?: boolean },
      ) => {
        const rows = await readAgentsCsv(file);
        const tenantPath = `/tenants/${seg(await ctx.tenant(options.tenant))}`;
        await importAgents(await ctx.client(), tenantPath, rows, {
          skipInvalid: options.skipInvalid === true,
          dryRun: options.dryRun === true,
          progress: options.progress === true || ctx.stderrIsTty,
          out: ctx.out,
          err: ctx.err,
        });
      },
    );
}
