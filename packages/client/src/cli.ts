import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
import { createProntoClient, type ProntoClient } from './pronto-client.ts';

/** What the command-line tools (send-event, dnc-import) read and write: injected, so tests run them in-process. */
export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The options every tool takes to reach Pronto, and --help. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  'key-id': { type: 'string' },
  secret: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const DEFAULT_URL = 'http://127.0.0.1:8080';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * The parsed options, or the exit code to return at once: 0 after printing the usage asked for with --help,
 * `usageExitCode` after an option the tool does not know (said on stderr, with the usage).
 */
export function parseCliArgs<O extends Options>(
  io: CliIo,
  options: O,
  usage: string,
  usageExitCode: number,
): Values<O> | number {
  let values: Values<O>;
  try {
    values = parseArgs({ args: [...io.argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage}`);
    return usageExitCode;
  }
  if ((values as { help?: boolean }).help) {
    io.out(usage);
    return 0;
  }
  return values;
}

/** A client that retries three times, signed with the key id given (or $PRONTO_KEY_ID, or demo-key). */
export function cliClient(
  io: CliIo,
  settings: { url: string; keyId: string | undefined; secret: string; timeoutMs?: number },
): ProntoClient {
  return createProntoClient({
    baseUrl: settings.url,
    keyId: settings.keyId ?? io.env.PRONTO_KEY_ID ?? 'demo-key',
    secret: settings.secret,
    maxRetries: 3,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
  });
}

/** Says on stderr why a request failed (Pronto refused it, or did not answer); false for any other error. */
export function reportRequestFailure(io: CliIo, error: unknown, url: string): boolean {
  if (error instanceof ProntoApiError) io.err(describeRefusal(error, url));
  else if (error instanceof ProntoNetworkError) {
    io.err(`${error.message}\nIs Pronto running at ${url}? Start it with npm start, or pass --url.`);
  } else return false;
  return true;
}

export async function readDemoSecret(io: CliIo): Promise<string | undefined> {
  const file = join(io.env.PRONTO_DATA_DIR ?? '.pronto', 'demo-secret');
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret) return secret;
    io.err(`${file} is empty.`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(code === 'ENOENT' ? `No secret: ${file} does not exist.` : `Cannot read ${file}: ${code}`);
  }
  io.err(
    'Start the embedded server (npm start writes it there), or pass the secret with --secret <secret> or PRONTO_DEMO_SECRET=<secret>.',
  );
  return undefined;
}

export function describeRefusal(error: ProntoApiError, url: string): string {
  const { problem } = error;
  const lines = [`Pronto answered ${error.status}${problem ? `: ${problem.title}` : ''}`];
  if (problem?.detail) lines.push(`  ${problem.detail}`);
  for (const field of problem?.errors ?? []) lines.push(`  ${field.field || '(body)'}: ${field.detail}`);
  if (error.attempts > 1) lines.push(`  (after ${error.attempts} attempts)`);
  // Pronto's problem types are pages that explain them (/problems/<slug>).
  if (problem?.type)
    lines.push(`  see ${problem.type.startsWith('/') ? new URL(problem.type, url).href : problem.type}`);
  return lines.join('\n');
}
