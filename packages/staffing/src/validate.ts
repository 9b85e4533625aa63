// Input checks shared by the staffing functions. A figure computed from a negative rate or a NaN
// handle time would be a plausible-looking wrong answer, so bad input throws a RangeError whose
// message starts with the field's name (the staffing API turns it into a problem naming the field).

/** A finite number >= 0. */
export function requireNonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A finite number > 0. */
export function requirePositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** A whole number >= 0 (agents, attempts). */
export function requireCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A share strictly between 0 and 1 (a target: 0 asks for nothing, 1 for infinitely many agents). */
export function requireOpenShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new RangeError(`${name} must be a number strictly between 0 and 1, got ${String(value)}`);
  }
  return value;
}

/** A probability in [0, 1]. */
export function requireShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new RangeError(`${name} must be a number from 0 to 1, got ${String(value)}`);
  }
  return value;
}

/** A mean patience: > 0, and Infinity is allowed (nobody abandons: Erlang C). */
export function requirePatience(name: string, value: number): number {
  if (Number.isNaN(value) || value <= 0) {
    throw new RangeError(`${name} must be a number > 0 (Infinity: nobody abandons), got ${String(value)}`);
  }
  return value;
}
