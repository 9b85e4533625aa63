import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import './date-time-format.ts';
import { toFieldErrors } from './field-errors.ts';
import type { FieldError } from './problem.ts';
import { findUnstorable } from './storable-text.ts';

export interface Validator<Schema extends TSchema> {
  /** The value typed by the schema, or every bad field. */
  validate(value: unknown): { ok: true; value: Static<Schema> } | { ok: false; errors: FieldError[] };
}

/**
 * A compiled validator (generated code, not an interpreter): it sits on the intake hot path. Beyond
 * the schema it refuses what the database would (findUnstorable), so that every route which
 * validates its input with it answers 400 naming the field instead of failing in the transaction.
 */
export function compileValidator<Schema extends TSchema>(schema: Schema): Validator<Schema> {
  const compiled = Compile(schema);
  return {
    validate(value) {
      const unstorable = findUnstorable(value, schema as unknown as Record<string, unknown>);
      if (unstorable.length === 0 && compiled.Check(value))
        return { ok: true, value: value as Static<Schema> };
      // Too deep to walk safely: the schema's own error walk may recurse, so answer with the depth alone.
      if (unstorable.some((error) => error.detail.startsWith('nests')))
        return { ok: false, errors: unstorable };
      const errors = toFieldErrors(compiled.Errors(value));
      const named = new Set(unstorable.map((error) => error.pointer));
      return { ok: false, errors: [...unstorable, ...errors.filter((error) => !named.has(error.pointer))] };
    },
  };
}
