/**
 * What of an error may reach a log line. Database drivers hang the statement, its parameters (the
 * raw bodies of a whole group commit, with phone numbers and names) and PostgreSQL's DETAIL and
 * WHERE (`Key (phone)=(+48...) already exists`, `Failing row contains (...)`) on the errors they
 * throw, and messages echo the value they refused (`invalid input syntax for type timestamp: "..."`).
 * So nothing is copied by default: only the fields below, only when they look like codes or SQL
 * names, and the message with every quoted part and every long run of digits taken out.
 */
export interface SafeError {
  /** The error's class, e.g. DatabaseError, PrismaClientKnownRequestError. */
  type: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SafeError;
  errors?: SafeError[];
  [field: string]: unknown;
}

/** Codes and SQL names: SQLSTATE, errno codes, constraint, table and column names. */
const NAME_FIELDS = [
  'name',
  'code',
  'errno',
  'syscall',
  'severity',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
  'kind',
] as const;
const NUMBER_FIELDS = ['statusCode', 'status', 'port'] as const;
const BOOLEAN_FIELDS = ['retriable'] as const;
const NAME = /^[A-Za-z0-9_.:$-]{1,128}$/;
const MAX_MESSAGE = 500;
const MAX_DEPTH = 3;
const MAX_ERRORS = 5;

const produced = new WeakSet<object>();

/** The allow-listed form of anything thrown; already-safe values are returned unchanged. */
export function safeError(value: unknown, depth = 0): SafeError {
  if (typeof value === 'object' && value !== null && produced.has(value)) return value as SafeError;
  const safe: SafeError = isErrorLike(value)
    ? fromError(value, depth)
    : { type: value === null ? 'null' : typeof value, message: scrubMessage(String(value)) };
  produced.add(safe);
  return safe;
}

export function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string')
  );
}

function fromError(error: Error, depth: number): SafeError {
  const source = error as unknown as Record<string, unknown>;
  // A bundled driver's class may be minified to one letter (PGlite's DatabaseError is `O`).
  const className = typeof error.constructor?.name === 'string' ? error.constructor.name : '';
  const fromServer = typeof source.severity === 'string';
  const type = className.length > 2 ? className : fromServer ? 'DatabaseError' : 'Error';
  const message = scrubMessage(error.message);
  const safe: SafeError = { type: NAME.test(type) ? type : 'Error', message };
  const fields = safe as Record<string, unknown>;
  for (const field of NAME_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && NAME.test(value)) fields[field] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) fields[field] = value;
  }
  for (const field of NUMBER_FIELDS) {
    if (typeof source[field] === 'number') fields[field] = source[field];
  }
  for (const field of BOOLEAN_FIELDS) {
    if (typeof source[field] === 'boolean') fields[field] = source[field];
  }
  if (typeof error.stack === 'string') safe.stack = safeStack(error.stack, safe);
  if (depth < MAX_DEPTH && error.cause !== undefined) safe.cause = safeError(error.cause, depth + 1);
  const errors = source.errors;
  if (depth < MAX_DEPTH && Array.isArray(errors)) {
    safe.errors = errors.slice(0, MAX_ERRORS).map((inner) => safeError(inner, depth + 1));
  }
  return safe;
}

/** A stack's first lines repeat the message: they are rebuilt from the scrubbed one; frames are kept. */
function safeStack(stack: string, safe: SafeError): string {
  const frames = stack.split('\n').filter((line) => /^\s+at \S/.test(line));
  return [`${typeof safe.name === 'string' ? safe.name : safe.type}: ${safe.message}`, ...frames]
    .slice(0, 30)
    .join('\n');
}

// Any quote character a driver or library may put around a value it echoes.
const QUOTES = `"'\`“”‘’«»`;
const QUOTED = new RegExp(`[${QUOTES}][\\s\\S]*[${QUOTES}]`);
// A phone number in any usual writing (+48 601 234 567, (601) 234-567, 601234567) and other long
// numbers; UUIDs (ids are what logs are for) and IPv4 addresses (which host could not be reached)
// are set aside first so their digits stay.
const DIGITS = /\+?\(?\d(?:[\s()./-]{0,2}\d){5,}/g;
const KEPT =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![\d.+])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]))/i;
const EMAIL = /[^\s@<>()[\]{},;:]{1,64}@[^\s@<>()[\]{},;:]{1,255}/g;
const KEY_VALUE = /\)=\([^)]*\)?/g;
const ANY_QUOTE = new RegExp(`[${QUOTES}]`);
const MAX_SCANNED = 10_000;

/**
 * An error message without the values it may echo. Everything from the first quote to the last is
 * one span (values can hold quotes and newlines themselves, so pairs cannot be trusted); digits and
 * e-mail addresses outside quotes go too. What is left is the driver's own wording.
 */
export function scrubMessage(message: string): string {
  let text = message;
  if (text.length > MAX_SCANNED) {
    // A quote opened before the cut may close after it: drop everything from the first quote on.
    text = text.slice(0, MAX_SCANNED);
    const quote = text.search(ANY_QUOTE);
    if (quote >= 0) text = `${text.slice(0, quote)}"…`;
  }
  return text
    .replace(QUOTED, '"…"')
    .replace(KEY_VALUE, ')=(…)')
    .replace(EMAIL, '[email]')
    .split(KEPT)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(DIGITS, '[digits]')))
    .join('')
    .slice(0, MAX_MESSAGE);
}
