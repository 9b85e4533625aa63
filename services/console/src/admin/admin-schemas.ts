import { Problem } from '@pronto/contracts';
import type { FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';

/** The problems an admin route may answer, by status. */
export const ADMIN_PROBLEMS = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
} as const;

/** A list answer: `{ items: [...] }`. */
export const Items = <Item extends TSchema>(item: Item) => Type.Object({ items: Type.Array(item) });

export const Timestamp = Type.String({ description: 'ISO-8601 UTC.' });
export const NullableTimestamp = Type.Union([Type.String(), Type.Null()], { description: 'ISO-8601 UTC.' });
export const NullableString = Type.Union([Type.String(), Type.Null()]);

export const TenantParams = Type.Object({ tenant: Type.String({ description: "The tenant's slug." }) });

/** A console account's sign-in name: unique in the installation. */
export const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' });
/** Kept only as its scrypt hash. */
export const Password = Type.String({ minLength: 8, maxLength: 200 });
/**
 * A name people read (a tenant's, a key's, an account's): not blank, and without control characters,
 * line separators or bidirectional overrides, which would rewrite or disguise what a terminal or a
 * page shows next to it (the command line prints these names as they are).
 */
export const PrintableName = (options: { description?: string } = {}) =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^(?!\\s*$)[^\\p{Cc}\\p{Zl}\\p{Zp}\\u202A-\\u202E\\u2066-\\u2069]+$',
    description: 'Not blank; no control characters, line breaks or bidirectional overrides.',
    ...options,
  });
export const DisplayName = PrintableName();

/** A database time as the API writes it (ISO-8601 UTC), or null. */
export function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** The same, for a column that is never null. */
export const isoAt = (value: Date | string): string => new Date(value).toISOString();

/**
 * A route hook for a body whose fields are all optional: no body at all counts as `{}`. A JSON
 * `null` is a body, and not an object: it stays for the schema to refuse.
 */
export async function bodyMayBeOmitted(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}
