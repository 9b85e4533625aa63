/** What a validator of @pronto/contracts (compileValidator) answers. */
export interface MessageValidator<T> {
  validate(value: unknown): { ok: true; value: T } | { ok: false; errors: unknown[] };
}

/**
 * A consumed message checked against its contract (`name`: e.g. 'dial.request v1'). One that breaks it
 * throws, naming its first three bad fields: retrying cannot fix it, so it goes to the dead letters.
 */
export function checkedMessage<T>(validator: MessageValidator<T>, message: unknown, name: string): T {
  const checked = validator.validate(message);
  if (!checked.ok) throw new Error(`not a valid ${name}: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  return checked.value;
}
