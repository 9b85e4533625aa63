/**
 * Tells whether an error means "the database cannot be reached or is going away" (answer 503 and
 * let the caller retry) rather than a fault in the statement itself.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE classes 08 (connection exception), 53 (insufficient resources),
    // 57P01..57P03 (admin/crash shutdown, cannot connect now).
    if (code.startsWith('08') || code.startsWith('53') || /^57P0[1-3]$/.test(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
      return true;
  }
  const message = error.message;
  return (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed|Cannot use a pool after calling end/i.test(
      message,
    ) ||
    (error.cause !== undefined && isDatabaseUnavailable(error.cause))
  );
}
