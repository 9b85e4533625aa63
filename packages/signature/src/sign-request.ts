import { createHmac } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';

export interface SignedParts {
  /** Unix seconds, as sent in Pronto-Timestamp. */
  timestamp: number | string;
  method: string;
  /** Path with the query string exactly as on the request line, e.g. /v1/events:batch. */
  pathWithQuery: string;
  /** The raw body bytes; empty for GET. */
  body: string | Buffer;
}

/**
 * The string that is signed: timestamp, method, path with query and raw body, joined by "\n".
 * Signing the request line too means a captured request cannot be replayed against another endpoint.
 */
export function signedPayload(parts: SignedParts): Buffer {
  const head = `${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.pathWithQuery}\n`;
  return Buffer.concat([
    Buffer.from(head, 'utf8'),
    typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : parts.body,
  ]);
}

/** The hex HMAC-SHA256 of the signed payload under `secret`. */
export function computeSignature(secret: string, parts: SignedParts): string {
  return createHmac('sha256', secret).update(signedPayload(parts)).digest('hex');
}

/** The value of the Pronto-Signature header: `v1=<hex>`. */
export function signRequest(secret: string, parts: SignedParts): string {
  return `${SIGNATURE_VERSION}=${computeSignature(secret, parts)}`;
}

/** The three headers a signed request carries. */
export function signatureHeaders(keyId: string, secret: string, parts: SignedParts): Record<string, string> {
  return {
    'pronto-key-id': keyId,
    'pronto-timestamp': String(parts.timestamp),
    'pronto-signature': signRequest(secret, parts),
  };
}
