import { AdminApiError, type AdminClient } from './admin-client.ts';
import type { AgentInput, AgentRow } from './agents-csv.ts';
import { CliError } from './cli-context.ts';

/** Rows per validation request: small enough that the bar moves, few enough requests for a large file. */
export const VALIDATE_CHUNK_ROWS = 100;
/** What one import request takes: the whole file is created in one transaction, so one request. */
export const MAX_IMPORT_ROWS = 5_000;

interface FieldError {
  field: string;
  detail: string;
}

/** POST .../agents/import. */
interface ImportAnswer {
  created: number;
  skipped: { index: number; username: string; errors: FieldError[] }[];
  applied: boolean;
}

/** The rows Pronto (or the file itself) refuses, by CSV line, each with its fields' errors. */
export type RowErrors = Map<number, FieldError[]>;

export interface ImportOptions {
  skipInvalid: boolean;
  dryRun: boolean;
  /** Draw a bar on stderr while the rows are checked. */
  progress: boolean;
  err: (line: string) => void;
  out: (line: string) => void;
}

/**
 * Checks every row first (dry runs, 100 rows at a time, a bar moving), says which lines are wrong and
 * why, and only then creates the agents, in one request and so one transaction: with invalid rows and
 * no --skip-invalid, nobody is created.
 */
export async function importAgents(
  client: AdminClient,
  tenantPath: string,
  rows: readonly AgentRow[],
  options: ImportOptions,
): Promise<void> {
  if (rows.length === 0) throw new CliError('The file has no agents (only a header, or nothing).');
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new CliError(`${rows.length} rows: one import takes at most ${MAX_IMPORT_ROWS}; split the file.`);
  }
  const path = `${tenantPath}/agents/import`;
  const bad: RowErrors = duplicateUsernames(rows);
  const bar = options.progress
    ? new (await import('cli-progress')).SingleBar({
        format: 'Checking agents [{bar}] {value}/{total}',
        stream: process.stderr,
        hideCursor: true,
        // --progress on a pipe: a line per step instead of nothing.
        noTTYOutput: true,
      })
    : undefined;
  bar?.start(rows.length, 0);
  try {
    for (let offset = 0; offset < rows.length; offset += VALIDATE_CHUNK_ROWS) {
      const chunk = rows.slice(offset, offset + VALIDATE_CHUNK_ROWS);
      const answer = await send(client, path, chunk, { dryRun: true, skipInvalid: true });
      addErrors(bad, chunk, answer);
      bar?.update(offset + chunk.length);
    }
  } finally {
    bar?.stop();
  }

  const lines = [...bad.keys()].sort((a, b) => a - b);
  for (const line of lines) printRow(options.err, line, rows, bad.get(line) ?? []);
  const good = rows.length - lines.length;
  if (lines.length > 0 && !options.skipInvalid) {
    throw new CliError(
      `${lines.length} of ${rows.length} rows are invalid: nothing imported. Fix them, or pass --skip-invalid to import the other ${good}.`,
    );
  }
  if (options.dryRun) {
    options.out(
      `Dry run: ${good} of ${rows.length} agents would be imported${lines.length > 0 ? `, ${lines.length} invalid rows skipped` : ''}; nothing created.`,
    );
    return;
  }
  const answer = await send(client, path, rows, { dryRun: false, skipInvalid: options.skipInvalid });
  // A row that became invalid since the check (a username taken meanwhile) is said too.
  const late: RowErrors = new Map();
  addErrors(late, rows, answer);
  for (const [line, errors] of late) if (!bad.has(line)) printRow(options.err, line, rows, errors);
  if (answer instanceof AdminApiError) {
    throw new CliError(`Pronto refused ${late.size} rows: nothing imported.`);
  }
  const skipped = answer.skipped.length;
  options.out(
    `Imported ${answer.created} ${answer.created === 1 ? 'agent' : 'agents'}${skipped > 0 ? `; ${skipped} invalid rows skipped` : ''}.`,
  );
}

async function send(
  client: AdminClient,
  path: string,
  rows: readonly AgentRow[],
  flags: { dryRun: boolean; skipInvalid: boolean },
): Promise<ImportAnswer | AdminApiError> {
  const agents: AgentInput[] = rows.map((row) => row.agent);
  try {
    return await client.call<ImportAnswer>('POST', path, { agents, ...flags });
  } catch (error) {
    // Without skipInvalid Pronto refuses the whole request, naming agents.<i>.<field>: those are rows too.
    if (
      error instanceof AdminApiError &&
      error.status === 400 &&
      error.fields.some((f) => /^agents\.\d+/.test(f))
    ) {
      return error;
    }
    throw error;
  }
}

/** The rows of `chunk` an answer refuses, keyed by their CSV line, merged into `into`. */
function addErrors(into: RowErrors, chunk: readonly AgentRow[], answer: ImportAnswer | AdminApiError): void {
  const add = (index: number, error: FieldError) => {
    const row = chunk[index];
    if (!row) return;
    into.set(row.line, [...(into.get(row.line) ?? []), error]);
  };
  if (answer instanceof AdminApiError) {
    for (const error of answer.problem?.errors ?? []) {
      const match = /^agents\.(\d+)\.?(.*)$/.exec(error.field);
      if (match) add(Number(match[1]), { field: match[2] || '(row)', detail: error.detail });
    }
    return;
  }
  for (const skipped of answer.skipped) {
    for (const error of skipped.errors) {
      add(skipped.index, { field: error.field.replace(/^agents\.\d+\./, ''), detail: error.detail });
    }
  }
}

/** The same username twice in the file: the later lines are refused, pointing at the first. */
function duplicateUsernames(rows: readonly AgentRow[]): RowErrors {
  const first = new Map<string, number>();
  const errors: RowErrors = new Map();
  for (const row of rows) {
    const seen = first.get(row.agent.username);
    if (seen === undefined) first.set(row.agent.username, row.line);
    else
      errors.set(row.line, [{ field: 'username', detail: `${row.agent.username} is also on line ${seen}` }]);
  }
  return errors;
}

function printRow(
  err: (line: string) => void,
  line: number,
  rows: readonly AgentRow[],
  errors: FieldError[],
): void {
  const username = rows.find((row) => row.line === line)?.agent.username;
  err(`line ${line}${username ? ` (${username})` : ''}:`);
  for (const error of errors) err(`  ${error.field}: ${error.detail}`);
}
