import { createHash, randomBytes } from 'node:crypto';

/**
 * A sign-in session's token (agents' and managers'): 32 random bytes, base64url. The cookie holds
 * the token; the database only its SHA-256, so a copy of the database does not let anyone in.
 */
export function newSessionToken(): { token: string; tokenSha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenSha256: sessionTokenSha256(token) };
}

/** 43 base64url characters, as newSessionToken() makes them; anything else is not worth a query. */
export const isWellFormedToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export const sessionTokenSha256 = (token: string) => createHash('sha256').update(token).digest('hex');
