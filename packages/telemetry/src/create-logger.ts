import pino, { type DestinationStream, type LogFn, type Logger } from 'pino';
import { isErrorLike, safeError, scrubMessage } from './safe-error.ts';

export type { Logger } from 'pino';

/**
 * Field names that must never reach a log line with their value: full phone numbers and secrets.
 * Logs carry lead and attempt ids instead; `maskPhone` gives a recognisable stub where one helps.
 */
const REDACTED = [
  'phone',
  'phoneE164',
  'secret',
  'password',
  'masterKey',
  '*.phone',
  '*.phoneE164',
  '*.secret',
  '*.password',
  '*.*.phone',
  'req.headers["pronto-signature"]',
  'req.headers.cookie',
  'req.headers.authorization',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED, censor: '[redacted]' },
      // Errors are logged by an allow-list whatever field holds them (see safe-error.ts): pino's own
      // serializer copies every property, which for a database error means the SQL and its parameters.
      serializers: { err: safeError, req: safeRequest },
      hooks: { logMethod: logSafely },
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** Replaces every error in a log call's arguments, at any depth, by its safe form before pino sees it. */
function logSafely(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[];
  if (isErrorLike(first)) {
    // logger.error(err) and logger.error(err, msg): pino would take err.message as the line's message.
    const err = safeError(first);
    method.apply(this, [{ err }, ...(rest.length > 0 ? scrubStrings(rest) : [err.message])] as never);
    return;
  }
  if (typeof first === 'object' && first !== null) {
    const safe = withSafeErrors(first, 0);
    if (safe !== first) {
      // The message of a line that carries an error is often that error's message.
      method.apply(this, [safe, ...scrubStrings(rest)] as never);
      return;
    }
  }
  method.apply(this, args);
}

function scrubStrings(values: unknown[]): unknown[] {
  return values.map((value) => (typeof value === 'string' ? scrubMessage(value) : value));
}

/** The same object when it holds no error (most lines), else a copy with each error made safe. */
function withSafeErrors(value: object, depth: number): object {
  if (depth > 3 || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    let safe: unknown = inner;
    if (inner instanceof Error) safe = safeError(inner);
    else if (typeof inner === 'object' && inner !== null) safe = withSafeErrors(inner, depth + 1);
    if (safe !== inner) {
      copy ??= { ...value };
      copy[key] = safe;
    }
  }
  return copy ?? value;
}

/** A request as fastify logs it, without the digits a path or query may carry (DELETE /v1/dnc/+48...). */
function safeRequest(request: { method?: string; url?: string; ip?: string; id?: string }) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? scrubMessage(request.url) : undefined,
    remoteAddress: request.ip,
  };
}

/** +48601234567 -> +48*******567: enough to tell numbers apart in a log, not enough to dial. */
export function maskPhone(e164: string): string {
  if (e164.length <= 6) return '*'.repeat(e164.length);
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 6)}${e164.slice(-3)}`;
}
