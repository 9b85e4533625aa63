import type { FieldError } from './problem.ts';

/** Deepest nesting of objects and arrays a request may carry (an event needs 3). */
export const MAX_JSON_DEPTH = 32;

/**
 * A schema keyword for a part of a request that its route checks item by item (a batch's events):
 * the check below leaves it to that route, so one bad item is answered alone.
 */
export const CHECKED_APART = 'x-pronto-checked-apart';

type SchemaLike = Record<string, unknown> | undefined;

const toPointer = (parts: readonly string[]) =>
  parts.map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * Why PostgreSQL would refuse this text, or undefined: it stores no NUL character in text or jsonb,
 * and jsonb refuses a UTF-16 surrogate without its pair (JSON.stringify writes one as \udXXX).
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed())
    return 'contains a lone UTF-16 surrogate (not a Unicode character), which cannot be stored';
  return undefined;
}

/**
 * Every place in a parsed JSON value that the database would refuse although a schema lets it pass:
 * a string or key with a NUL or a lone surrogate, and nesting deeper than MAX_JSON_DEPTH (which would
 * also overflow the stack of a recursive walk). Iterative, so any depth is safe to check. Parts whose
 * schema carries CHECKED_APART are skipped.
 */
export function findUnstorable(value: unknown, schema?: SchemaLike): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: readonly string[], detail: string) => {
    if (errors.length < 20) errors.push({ field: path.join('.'), pointer: toPointer(path), detail });
  };
  const stack: { value: unknown; schema: SchemaLike; path: string[] }[] = [{ value, schema, path: [] }];
  while (stack.length > 0 && errors.length < 20) {
    const next = stack.pop() as { value: unknown; schema: SchemaLike; path: string[] };
    if (next.schema?.[CHECKED_APART] === true) continue;
    if (typeof next.value === 'string') {
      const reason = unstorableTextReason(next.value);
      if (reason) add(next.path, reason);
      continue;
    }
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.path.length >= MAX_JSON_DEPTH) {
      add(next.path, `nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
      continue;
    }
    if (Array.isArray(next.value)) {
      const items = asSchema(next.schema?.items);
      next.value.forEach((item, index) => {
        stack.push({ value: item, schema: items, path: [...next.path, String(index)] });
      });
      continue;
    }
    for (const [key, item] of Object.entries(next.value)) {
      const path = [...next.path, key];
      const reason = unstorableTextReason(key);
      if (reason) add(path, `has a name that ${reason}`);
      else stack.push({ value: item, schema: childSchema(next.schema, key), path });
    }
  }
  return errors;
}

function childSchema(schema: SchemaLike, key: string): SchemaLike {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  if (properties && Object.hasOwn(properties, key)) return asSchema(properties[key]);
  return asSchema(schema?.additionalProperties);
}

const asSchema = (schema: unknown): SchemaLike =>
  schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>) : undefined;
