import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { DncImportReport, DncImportRowError } from '@pronto/contracts';
import * as cli from './cli.ts';
import type { DncImportProgress } from './dnc-methods.ts';
import { CsvSplitError } from './split-dnc-csv.ts';

export const USAGE = `Usage: npm run dnc-import -- --file numbers.csv [options]

Puts the numbers of a CSV file on the tenant's do-not-call list, 5,000 rows per request.
The file is UTF-8 with a header row naming a phone column, and optionally reason and locale
(e.g. pl-PL, for numbers written without +). Running the same file again is safe.

  --file <path>       the CSV file (required)
  --errors <path>     write every rejected row there as CSV (row,field,value,detail);
                      without it, the first 20 are printed
  --url <url>         default $PRONTO_URL or http://127.0.0.1:8080
  --key-id <id>       default $PRONTO_KEY_ID or demo-key
  --secret <secret>   default $PRONTO_SECRET, $PRONTO_DEMO_SECRET, or the file
                      $PRONTO_DATA_DIR/demo-secret (.pronto/demo-secret) that npm start writes
  --help              this text

Exit code: 0 every row was accepted, 2 some rows were rejected, 1 failure.`;

const OPTIONS = {
  file: { type: 'string' },
  errors: { type: 'string' },
  ...cli.CONNECTION_OPTIONS,
} as const;

const PRINTED_ERRORS = 20;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface DncImportIo extends cli.CliIo {
  /** Writes to stderr as it is, without a line break: the progress line is redrawn in place. */
  errRaw: (text: string) => void;
  /** Whether stderr is a terminal; otherwise the progress is one line per request, for logs. */
  stderrIsTty: boolean;
}

/** Imports a do-not-call CSV the way an operator would. Returns the exit code: 0, 2 some rows rejected, 1 failure. */
export async function dncImportCli(io: DncImportIo): Promise<number> {
  const values = cli.parseCliArgs(io, OPTIONS, USAGE, 1);
  if (typeof values === 'number') return values;
  const url = values.url ?? io.env.PRONTO_URL ?? cli.DEFAULT_URL;
  const problem = !values.file
    ? '--file is required'
    : !URL.canParse(url)
      ? `--url (or PRONTO_URL) is not a URL: ${url}`
      : undefined;
  if (problem || !values.file) {
    io.err(`${problem}\n\n${USAGE}`);
    return 1;
  }
  const file = values.file;
  const text = await readCsv(file, io);
  if (text === undefined) return 1;
  const secret =
    values.secret ?? io.env.PRONTO_SECRET ?? io.env.PRONTO_DEMO_SECRET ?? (await cli.readDemoSecret(io));
  if (!secret) return 1;

  // A part of 5,000 rows is committed in one transaction; give it more than an event's 10 s.
  const client = cli.cliClient(io, { url, keyId: values['key-id'], secret, timeoutMs: 60_000 });
  const progress = progressLine(io);
  let report: DncImportReport;
  try {
    report = await client.importDnc(text, { onProgress: progress.show });
  } catch (error) {
    progress.end();
    const done = progress.last?.doneRows ?? 0;
    if (error instanceof CsvSplitError) io.err(`${file} ${error.message}; nothing was sent.`);
    else if (!cli.reportRequestFailure(io, error, url)) throw error;
    if (done > 0)
      io.err(
        `The first ${done} rows were imported or reported before that. Running the same file again is safe: those count as already listed.`,
      );
    return 1;
  }
  progress.end();
  const rejected = `${report.rejected} ${report.rejected === 1 ? 'row' : 'rows'} rejected`;
  if (values.errors) {
    // Written even when empty, so that a report left by an earlier run is never mistaken for this one's.
    try {
      await writeFile(values.errors, errorsCsv(report.errors));
    } catch (error) {
      io.err(`Cannot write ${values.errors}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      return 1;
    }
    if (report.errors.length > 0)
      io.err(`${rejected}: ${report.errors.length} errors written to ${values.errors}`);
  } else if (report.errors.length > 0) {
    io.err(`${rejected}:`);
    for (const error of report.errors.slice(0, PRINTED_ERRORS)) io.err(`  ${describeRowError(error)}`);
    const more = report.errors.length - PRINTED_ERRORS;
    if (more > 0) io.err(`  ... and ${more} more (pass --errors <file> to write them all)`);
  }
  return report.rejected > 0 ? 2 : 0;
}

async function readCsv(file: string, io: cli.CliIo): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(code === 'ENOENT' ? `${file} does not exist.` : `Cannot read ${file}: ${code}`);
    return undefined;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    io.err(`${file} is not UTF-8 text: save it as "CSV UTF-8" and run again.`);
    return undefined;
  }
}

/** One line on a terminal, redrawn after each request; one line per request anywhere else. */
function progressLine(io: DncImportIo) {
  const state: { last?: DncImportProgress; show: (p: DncImportProgress) => void; end: () => void } = {
    show(progress) {
      state.last = progress;
      const line = `dnc import: ${progress.doneRows}/${progress.totalRows} rows, ${progress.added} added, ${progress.alreadyListed} already listed, ${progress.rejected} rejected`;
      // \x1b[K clears what is left of a longer earlier line.
      if (io.stderrIsTty) io.errRaw(`\r${line}\x1b[K`);
      else io.err(line);
    },
    end() {
      if (io.stderrIsTty && state.last) io.errRaw('\n');
    },
  };
  return state;
}

function describeRowError(error: DncImportRowError): string {
  return `line ${error.row}: ${error.field} ${JSON.stringify(error.value)} ${error.detail}`;
}

function errorsCsv(errors: readonly DncImportRowError[]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = errors.map((error) =>
    [error.row, error.field, error.value, error.detail].map(cell).join(','),
  );
  return `row,field,value,detail\n${lines.map((line) => `${line}\n`).join('')}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await dncImportCli({
    argv: process.argv.slice(2),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errRaw: (text) => process.stderr.write(text),
    stderrIsTty: process.stderr.isTTY === true,
  });
}
