import type { FieldError } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { fieldError } from '@pronto/http';
import { PrintableName } from './admin-schemas.ts';

/** An agent as the API creates it (POST /agents, each row of /agents/import). */
export interface AgentInput {
  username: string;
  displayName: string;
  password: string;
  sipEndpoint: string | null;
  groups: string[];
  languages: string[];
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const PRINTABLE = new RegExp((PrintableName() as { pattern?: string }).pattern as string, 'u');

/** A name people read, 1 to 200 characters, with nothing that would rewrite or disguise a terminal or a page. */
export const isPrintableName = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 200 && PRINTABLE.test(value);

export const SIP_ENDPOINT_RULE = 'Give where the dialer rings the agent (e.g. PJSIP/agent-7), or null.';
/** The sentence beside a display name that is not one. */
export const DISPLAY_NAME_RULE =
  'Give the name shown to managers, 1 to 200 characters, with no control characters or line breaks.';
/** ISO 639 codes ('pl', 'en'), with a region when it matters ('pt-BR'). */
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * The checks that need no database: each bad field named `<prefix><field>` (`agents.3.username` in an
 * import) with a sentence. Returns the input shaped, or the errors.
 */
export function checkAgentInput(
  raw: unknown,
  prefix = '',
): { agent: AgentInput; errors: [] } | { agent?: undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string) => errors.push(fieldError(`${prefix}${field}`, detail));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(
      fieldError(
        prefix.replace(/\.$/, ''),
        'Each agent is an object with username, displayName and password.',
      ),
    );
    return { errors };
  }
  const body = raw as Record<string, unknown>;
  for (const name of Object.keys(body)) {
    if (!['username', 'displayName', 'password', 'sipEndpoint', 'groups', 'languages'].includes(name))
      fail(name, 'Is not a field of an agent.');
  }
  const { username, displayName, password } = body;
  const sipEndpoint = body.sipEndpoint ?? null;
  const groups = body.groups ?? [];
  const languages = body.languages ?? [];
  if (typeof username !== 'string' || !USERNAME.test(username))
    fail('username', 'A username is 3 to 64 lowercase letters, digits, dots, dashes and underscores.');
  if (!isPrintableName(displayName)) fail('displayName', DISPLAY_NAME_RULE);
  if (typeof password !== 'string' || password.length < 8 || password.length > 200)
    fail('password', 'The password must be 8 to 200 characters long.');
  // As a change checks it: a line break would end an AMI header early.
  if (sipEndpoint !== null && !isPrintableName(sipEndpoint)) fail('sipEndpoint', SIP_ENDPOINT_RULE);
  checkGroupList(groups, `${prefix}groups`, errors);
  checkLanguages(languages, `${prefix}languages`, errors);
  if (errors.length > 0) return { errors };
  return {
    agent: {
      username: username as string,
      displayName: (displayName as string).trim(),
      password: password as string,
      sipEndpoint: sipEndpoint as string | null,
      groups: groups as string[],
      languages: languages as string[],
    },
    errors: [],
  };
}

/** Group names, each listed once (whether they exist is checkGroupsExist's question). */
export function checkGroupList(groups: unknown, field: string, errors: FieldError[]): void {
  if (!isStringList(groups)) {
    errors.push(fieldError(field, 'List the agent’s groups by name.'));
    return;
  }
  groups.forEach((group, i) => {
    if (groups.indexOf(group) !== i)
      errors.push(fieldError(`${field}.${i}`, `${JSON.stringify(group)} is already listed.`));
  });
}

export function checkLanguages(languages: unknown, field: string, errors: FieldError[]): void {
  if (!isStringList(languages)) {
    errors.push(fieldError(field, 'List language codes such as "pl" and "en".'));
    return;
  }
  languages.forEach((code, i) => {
    if (!LANGUAGE.test(code))
      errors.push(
        fieldError(
          `${field}.${i}`,
          `${JSON.stringify(code)} is not a language code; write it like "pl" or "en".`,
        ),
      );
    else if (languages.indexOf(code) !== i)
      errors.push(fieldError(`${field}.${i}`, `${JSON.stringify(code)} is already listed.`));
  });
}

/** The tenant's agent groups, by name. */
export async function groupsOf(sql: SqlQueryable, tenantId: string): Promise<Set<string>> {
  const rows = await sql.query<{ name: string }>('SELECT name FROM agent_group WHERE tenant_id = $1', [
    tenantId,
  ]);
  return new Set(rows.map((row) => row.name));
}

/** Each group that is not one of the tenant's, named `<field>.<i>`. */
export function unknownGroups(
  groups: readonly string[],
  known: ReadonlySet<string>,
  field: string,
): FieldError[] {
  return groups.flatMap((group, i) =>
    known.has(group)
      ? []
      : [fieldError(`${field}.${i}`, `${JSON.stringify(group)} is not an agent group of this tenant.`)],
  );
}

/** Of these usernames, those already taken (by an agent of any tenant: agents sign in with it alone). */
export async function takenUsernames(sql: SqlQueryable, usernames: readonly string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await sql.query<{ username: string }>(
    'SELECT username FROM agent WHERE username = ANY($1::text[])',
    [usernames],
  );
  return new Set(rows.map((row) => row.username));
}
