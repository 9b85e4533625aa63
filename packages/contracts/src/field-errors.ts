import type { TLocalizedValidationError } from 'typebox/error';
import { DATE_TIME_RULE } from './date-time-format.ts';
import type { FieldError } from './problem.ts';

const pointerToField = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

const join = (pointer: string, name: string) => `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * Turns schema errors into one entry per bad field, named as a client would write it
 * (person.phone), with a sentence that says what is expected.
 */
export function toFieldErrors(errors: Iterable<TLocalizedValidationError>): FieldError[] {
  const byPointer = new Map<string, FieldError>();
  const allowed = new Map<string, unknown[]>();
  // Where each union whose branches failed on a literal applies: the anyOf error that names it may
  // be cut off by the error limit (eight), after the branches' const errors.
  const unions = new Map<string, 'forms' | 'values'>();
  const add = (pointer: string, detail: string) => {
    if (!byPointer.has(pointer)) byPointer.set(pointer, { field: pointerToField(pointer), pointer, detail });
  };
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        for (const name of (params.requiredProperties as string[] | undefined) ?? []) {
          add(join(error.instancePath, name), 'is required');
        }
        break;
      case 'additionalProperties':
        for (const name of (params.additionalProperties as string[] | undefined) ?? []) {
          add(join(error.instancePath, name), 'is not a known field');
        }
        break;
      case 'boolean':
        // "schema is false" repeats an additionalProperties error reported on the parent.
        break;
      case 'enum':
        add(
          error.instancePath,
          `must be one of: ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`,
        );
        break;
      case 'const':
        // A union of literals reports one const error per literal, then anyOf.
        allowed.set(error.instancePath, [...(allowed.get(error.instancePath) ?? []), params.allowedValue]);
        unions.set(...unionOf(error.instancePath, error.schemaPath));
        break;
      case 'anyOf': {
        const values = allowed.get(error.instancePath);
        add(
          error.instancePath,
          values
            ? `must be one of: ${values.map((value) => JSON.stringify(value)).join(', ')}`
            : 'is not one of the allowed forms',
        );
        break;
      }
      case 'format':
        add(error.instancePath, params.format === 'date-time' ? DATE_TIME_RULE : error.message);
        break;
      default:
        add(error.instancePath, error.message);
    }
  }
  // A union no error above named: its literal-discriminated forms (a message whose `event` is valid
  // but whose detail is not) or its many literal values were reported only as const errors.
  if (byPointer.size === 0)
    for (const [pointer, kind] of unions)
      add(pointer, kind === 'forms' ? 'is not one of the allowed forms' : 'is not one of the allowed values');
  return [...byPointer.values()];
}

/**
 * The instance pointer of the union a const error came from, and whether the union is of objects
 * (`#/.../anyOf/3/properties/event`: the const is a property of each form) or of literals.
 */
function unionOf(instancePath: string, schemaPath: string): [string, 'forms' | 'values'] {
  const inside = /\/anyOf\/\d+((?:\/properties\/[^/]+)*)$/.exec(schemaPath)?.[1] ?? '';
  const depth = inside.split('/properties/').length - 1;
  if (depth === 0) return [instancePath, 'values'];
  return [instancePath.split('/').slice(0, -depth).join('/'), 'forms'];
}
