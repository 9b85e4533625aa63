/**
 * The last tie-breaker of every order in a round. Code-unit order rather than localeCompare: it does
 * not depend on the machine's locale, so every dispatcher instance orders ids the same way.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
