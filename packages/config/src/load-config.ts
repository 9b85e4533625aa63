import type { Static, TObject } from 'typebox';
import Value from 'typebox/value';

/** A configuration that cannot run; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a service's configuration from the environment once, at start. The schema's property
 * names are the variable names; `default`s fill gaps; strings are converted to numbers and
 * booleans. Every wrong or missing variable is reported at once, by name, with what it got.
 */
export function loadConfig<Schema extends TObject>(
  schema: Schema,
  env: Readonly<Record<string, string | undefined>>,
): Static<Schema> {
  const known = Object.keys(schema.properties);
  const picked: Record<string, unknown> = {};
  for (const name of known) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') picked[name] = raw;
  }
  const value = Value.Convert(schema, Value.Default(schema, picked));
  if (Value.Check(schema, value)) return value as Static<Schema>;

  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      for (const name of (params.requiredProperties as string[] | undefined) ?? []) {
        problems.set(name, `${name} is required${describe(schema, name)}`);
      }
      continue;
    }
    const name = error.instancePath.split('/')[1] ?? '';
    if (!problems.has(name)) {
      problems.set(
        name,
        `${name} ${error.message} (got ${JSON.stringify(env[name])})${describe(schema, name)}`,
      );
    }
  }
  throw new ConfigError([...problems.values()]);
}

function describe(schema: TObject, name: string): string {
  const description = (schema.properties[name] as { description?: string } | undefined)?.description;
  return description ? `: ${description}` : '';
}
