import { type AgentUpdateV1, compileValidator, Disposition, type Validator } from '@pronto/contracts';
import Type, { type Static, type TSchema } from 'typebox';

const Ref = Type.Optional(
  Type.String({ maxLength: 100, description: 'chosen by the desktop, echoed in ack or error' }),
);
const AttemptId = Type.String({ format: 'uuid' });

const command = <Name extends string, Fields extends Record<string, TSchema>>(type: Name, fields: Fields) =>
  Type.Object({ type: Type.Literal(type), ref: Ref, ...fields });

/** What the desktop may send, by type (docs/agent-protocol.md "Desktop -> server"). */
const DESKTOP_COMMANDS = {
  heartbeat: command('heartbeat', {}),
  accept: command('accept', { attemptId: AttemptId }),
  reject: command('reject', { attemptId: AttemptId }),
  hangup: command('hangup', { attemptId: AttemptId }),
  disposition: command('disposition', { attemptId: AttemptId, disposition: Disposition }),
  pause: command('pause', { reason: Type.String({ minLength: 1, maxLength: 200 }) }),
  resume: command('resume', {}),
};

type DesktopCommands = typeof DESKTOP_COMMANDS;
export type DesktopCommand = {
  [Name in keyof DesktopCommands]: Static<DesktopCommands[Name]>;
}[keyof DesktopCommands];

/** The `error` message the desktop gets for a command that was not sent on. */
export interface DesktopError {
  type: 'error';
  ref?: string;
  title: string;
  detail: string;
  field?: string;
}

const validators = Object.fromEntries(
  Object.entries(DESKTOP_COMMANDS).map(([name, schema]) => [name, compileValidator(schema)]),
) as Record<string, Validator<TSchema>>;

/**
 * Reads one WebSocket message from the desktop: a valid command, or the error to answer with. A
 * disposition is checked beyond its schema too: a sale needs its value, a callback its time.
 */
export function readDesktopMessage(
  text: string,
): { ok: true; command: DesktopCommand } | { ok: false; error: DesktopError } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return refuse(undefined, 'The message is not valid JSON', 'Send one JSON object per message.');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return refuse(undefined, 'The message is not a JSON object', 'Send one JSON object with a "type".');
  }
  const fields = message as Record<string, unknown>;
  const ref = typeof fields.ref === 'string' ? fields.ref : undefined;
  const validator = typeof fields.type === 'string' ? validators[fields.type] : undefined;
  if (!validator) {
    return refuse(
      ref,
      'Unknown command',
      `"type" must be one of: ${Object.keys(DESKTOP_COMMANDS).join(', ')}.`,
      'type',
    );
  }
  const checked = validator.validate(message);
  if (!checked.ok) {
    const [first] = checked.errors;
    return refuse(
      ref,
      'The command has invalid fields',
      `${first?.field ?? 'the message'} ${first?.detail ?? 'is invalid'}`,
      first?.field,
    );
  }
  const valid = checked.value as DesktopCommand;
  if (valid.type === 'disposition') {
    const { code, value, callbackAt } = valid.disposition;
    if (code === 'sale' && value === undefined)
      return refuse(ref, 'The command has invalid fields', 'A sale needs its value.', 'disposition.value');
    if (code === 'callback' && callbackAt === undefined)
      return refuse(
        ref,
        'The command has invalid fields',
        'A callback needs its time.',
        'disposition.callbackAt',
      );
  }
  return { ok: true, command: valid };
}

function refuse(ref: string | undefined, title: string, detail: string, field?: string) {
  const error: DesktopError = {
    type: 'error',
    ...(ref === undefined ? {} : { ref }),
    title,
    detail,
    ...(field ? { field } : {}),
  };
  return { ok: false as const, error };
}

/** The signed-in agent as the desktop sees it (GET /agent/session and the socket's hello). */
export interface DesktopAgent {
  id: string;
  username: string;
  displayName: string;
}

/**
 * What the gateway sends the desktop (docs/agent-protocol.md "Server -> desktop"). The desktop's
 * TypeScript (../desktop) reads these same types, so both ends change together.
 */
export type DesktopServerMessage =
  | { type: 'hello'; agent: DesktopAgent; heartbeatIntervalMs: number; serverTime: string }
  | { type: 'update'; update: AgentUpdateV1['payload']; serverTime: string }
  | { type: 'heartbeat'; serverTime: string }
  | { type: 'ack'; ref?: string | undefined; serverTime: string }
  | DesktopError;
