import type { Command } from 'commander';
import { type CliContext, CliError } from './cli-context.ts';
import { parseDuration } from './parse-duration.ts';
import { printJson, printTable, showCell } from './print-table.ts';

interface AuditRow {
  id: string;
  at: string;
  tenant: string | null;
  actor: string;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
}

/** `pronto audit`: who changed what, newest first. */
export function auditCommand(program: Command, ctx: CliContext, clock: () => number = Date.now): void {
  program
    .command('audit')
    .description('the audit log, newest first')
    .option('--tenant <slug>', "one tenant's rows")
    .option('--action <action>', 'one action, e.g. campaign.update')
    .option('--since <when>', 'an ISO time, or a duration back from now: 90m, 12h, 7d')
    .option('--limit <n>', 'at most n rows (1..500)', '100')
    .option('--json', 'the answer as JSON (with before and after)')
    .action(
      async (options: {
        tenant?: string;
        action?: string;
        since?: string;
        limit: string;
        json?: boolean;
      }) => {
        const query = new URLSearchParams();
        if (options.tenant) query.set('tenant', options.tenant);
        if (options.action) query.set('action', options.action);
        if (options.since) query.set('since', since(options.since, clock));
        query.set('limit', options.limit);
        const answer = await (await ctx.client()).call<{ items: AuditRow[]; nextCursor: string | null }>(
          'GET',
          `/audit?${query}`,
        );
        if (options.json) return printJson(ctx.out, answer);
        printTable(ctx.out, answer.items, [
          ['at', (row) => row.at],
          ['tenant', (row) => row.tenant],
          ['actor', (row) => row.actor],
          ['action', (row) => row.action],
          ['resource', (row) => `${row.resourceType} ${showCell(row.resourceId)}`],
        ]);
        if (answer.nextCursor) ctx.out(`(more: raise --limit or narrow with --since, --tenant or --action)`);
      },
    );
}

function since(text: string, clock: () => number): string {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return new Date(clock() - seconds * 1000).toISOString();
  if (Number.isNaN(Date.parse(text)))
    throw new CliError(`--since is an ISO time or a duration like 12h, not ${text}`);
  return text;
}
