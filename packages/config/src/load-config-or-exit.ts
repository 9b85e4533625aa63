import type { Static, TObject } from 'typebox';
import { ConfigError, loadConfig } from './load-config.ts';

/** For a main.ts: the configuration, or a message naming every bad variable and exit code 1. */
export function loadConfigOrExit<Schema extends TObject>(
  program: string,
  schema: Schema,
  env: Readonly<Record<string, string | undefined>>,
): Static<Schema> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(1);
  }
}
