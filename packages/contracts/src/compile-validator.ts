import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { toFieldErrors } from './field-errors.ts';
import type { FieldError } from './problem.ts';

export interface Validator<Schema extends TSchema> {
  /** The value typed by the schema, or every bad field. */
  validate(value: unknown): { ok: true; value: Static<Schema> } | { ok: false; errors: FieldError[] };
}

/** A compiled validator (generated code, not an interpreter): it sits on the intake hot path. */
export function compileValidator<Schema extends TSchema>(schema: Schema): Validator<Schema> {
  const compiled = Compile(schema);
  return {
    validate(value) {
      if (compiled.Check(value)) return { ok: true, value: value as Static<Schema> };
      return { ok: false, errors: toFieldErrors(compiled.Errors(value)) };
    },
  };
}
