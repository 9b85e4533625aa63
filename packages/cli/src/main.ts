// `pronto`: the admin API from a terminal (docs/admin.md). bin/pronto.mjs runs this file.
// yaml, csv-parse and cli-progress are imported by the commands that use them: every run starts fast.
import { Command } from 'commander';
import { agentCommands } from './agent-commands.ts';
import { auditCommand } from './audit-command.ts';
import { bootstrapAdminCommand } from './bootstrap-admin-command.ts';
import { campaignCommands } from './campaign-commands.ts';
import { type CliIo, createCliContext } from './cli-context.ts';
import { groupCommands } from './group-commands.ts';
import { keyCommands } from './key-commands.ts';
import { managerCommands } from './manager-commands.ts';
import { operatorKeyCommands } from './operator-key-commands.ts';
import { reportError } from './report-error.ts';
import { sessionCommands } from './session-commands.ts';
import { tenantCommands } from './tenant-commands.ts';

/** Runs one command line; returns the exit code: 0 done, 1 refused or failed (said on stderr). */
export async function runPronto(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = createCliContext(io);
  const program = new Command('pronto')
    .description("Pronto's administration: tenants, keys, campaigns, agents, the audit log")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });
  sessionCommands(program, ctx);
  tenantCommands(program, ctx);
  keyCommands(program, ctx);
  operatorKeyCommands(program, ctx);
  campaignCommands(program, ctx);
  groupCommands(program, ctx);
  agentCommands(program, ctx);
  managerCommands(program, ctx);
  auditCommand(program, ctx);
  bootstrapAdminCommand(program, ctx);
  program.commands.forEach(exitOverrideAll);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    // Commander has said what it had to (help, a version, a usage mistake).
    if (typeof code === 'string' && code.startsWith('commander.'))
      return (error as { exitCode: number }).exitCode;
    if (reportError(io.err, error)) return 1;
    throw error;
  }
}

/** Subcommands do not inherit exitOverride: without it commander would exit the process itself. */
function exitOverrideAll(command: Command): void {
  command.exitOverride();
  command.commands.forEach(exitOverrideAll);
}

process.exitCode = await runPronto(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stderrIsTty: process.stderr.isTTY === true,
});
