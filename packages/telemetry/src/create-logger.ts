import pino, { type DestinationStream, type Logger } from 'pino';

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
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** +48601234567 -> +48*******567: enough to tell numbers apart in a log, not enough to dial. */
export function maskPhone(e164: string): string {
  if (e164.length <= 6) return '*'.repeat(e164.length);
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 6)}${e164.slice(-3)}`;
}
