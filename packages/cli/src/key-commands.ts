import type { Command } from 'commander';
import { seg } from './admin-client.ts';
import { type CliContext, CliError } from './cli-context.ts';
import { parseDuration } from './parse-duration.ts';
import { printJson, printTable } from './print-table.ts';

interface ApiKey {
  keyId: string;
  name: string | null;
  createdAt: string;
  rotatedAt: string | null;
  previousValidUntil: string | null;
  revokedAt: string | null;
}

const MAX_GRACE_SECONDS = 604_800;

/** A secret is handed out once: said so beside it, so that nobody expects to read it again later. */
export function printSecretOnce(out: (line: string) => void, keyId: string, secret: string): void {
  out(`  key id   ${keyId}`);
  out(`  secret   ${secret}`);
  out('This secret is shown only now: store it in your secret manager, Pronto cannot show it again.');
}

/** `pronto key create|rotate|revoke|list`: a tenant's client keys, which sign its events. */
export function keyCommands(program: Command, ctx: CliContext): void {
  const key = program
    .command('key')
    .description("a tenant's client API keys (they sign the tenant's events)");
  const keysOf = async (tenant: string | undefined) => `/tenants/${seg(await ctx.tenant(tenant))}/keys`;

  key
    .command('create')
    .description('a new key; its secret is printed once')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--name <name>', 'what the key is for, e.g. "web shop"')
    .action(async (options: { tenant?: string; name?: string }) => {
      const path = await keysOf(options.tenant);
      const created = await (await ctx.client()).call<ApiKey & { secret: string }>(
        'POST',
        path,
        options.name ? { name: options.name } : {},
      );
      ctx.out(`Created key ${created.keyId}${created.name ? ` (${created.name})` : ''}.`);
      printSecretOnce(ctx.out, created.keyId, created.secret);
    });

  key
    .command('rotate <keyId>')
    .description('a new secret for the key; the old one keeps working for the grace period')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option(
      '--grace <duration>',
      'how long the old secret stays valid: 3600, 3600s, 90m, 12h, 1d (max 7d)',
      '1d',
    )
    .action(async (keyId: string, options: { tenant?: string; grace: string }) => {
      const graceSeconds = parseDuration(options.grace);
      if (graceSeconds === undefined || graceSeconds > MAX_GRACE_SECONDS) {
        throw new CliError(
          `--grace must be a duration of at most 7d (like 3600s, 12h, 1d), not ${options.grace}`,
        );
      }
      const path = `${await keysOf(options.tenant)}/${seg(keyId)}/rotate`;
      const rotated = await (await ctx.client()).call<ApiKey & { secret: string }>('POST', path, {
        graceSeconds,
      });
      ctx.out(`Rotated key ${rotated.keyId}.`);
      printSecretOnce(ctx.out, rotated.keyId, rotated.secret);
      ctx.out(
        rotated.previousValidUntil
          ? `The old secret stays valid until ${rotated.previousValidUntil}.`
          : 'The old secret no longer works.',
      );
    });

  key
    .command('revoke <keyId>')
    .description('the key stops working at once, on every instance')
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .action(async (keyId: string, options: { tenant?: string }) => {
      const path = `${await keysOf(options.tenant)}/${seg(keyId)}/revoke`;
      const revoked = await (await ctx.client()).call<ApiKey>('POST', path);
      ctx.out(`Revoked key ${revoked.keyId} at ${revoked.revokedAt}.`);
    });

  key
    .command('list')
    .description("the tenant's keys (never their secrets)")
    .option('--tenant <slug>', "the tenant (default: a manager key's own)")
    .option('--json', 'the answer as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const answer = await (await ctx.client()).call<{ items: ApiKey[] }>(
        'GET',
        await keysOf(options.tenant),
      );
      if (options.json) return printJson(ctx.out, answer);
      printTable(ctx.out, answer.items, [
        ['key id', (k) => k.keyId],
        ['name', (k) => k.name],
        ['created', (k) => k.createdAt],
        ['rotated', (k) => k.rotatedAt],
        ['old secret until', (k) => k.previousValidUntil],
        ['revoked', (k) => k.revokedAt],
      ]);
    });
}
