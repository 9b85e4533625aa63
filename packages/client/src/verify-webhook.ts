import { type VerifyFailure, verifySignature } from '@pronto/signature';

type HeaderValue = string | string[] | undefined;

export interface VerifyWebhookInput {
  /** The secret of the API key named in Pronto-Key-Id; both while rotating it. */
  secret: string | readonly string[];
  /** The request's headers: node's IncomingHttpHeaders, a plain object, or fetch's Headers. */
  headers: Record<string, HeaderValue> | Headers;
  /** The raw body, exactly as received (parse it only once it checks out). */
  body: string | Buffer;
  /**
   * The path and query Pronto posted to: those of the webhook URL you set (a node server's `req.url`,
   * unless a proxy in front rewrites it).
   */
  path: string;
  /** Default POST. */
  method?: string;
  /** Now, in ms since the epoch (default Date.now()): a timestamp over 5 minutes off is refused as a replay. */
  nowMs?: number;
}

export type VerifiedWebhook =
  | { ok: true; keyId: string; alertId: string }
  | { ok: false; reason: VerifyFailure | 'missing_key_id'; detail: string };

/**
 * Checks that a webhook (a breach alert) comes from Pronto: the same signature as requests to Pronto,
 * HMAC-SHA256 under your API key's secret over timestamp, method, path with query and raw body,
 * compared in constant time. Answer 2xx only after it checks out; a retry carries the same
 * Pronto-Alert-Id, so use it to ignore an alert you already handled.
 */
export function verifyWebhook(input: VerifyWebhookInput): VerifiedWebhook {
  const header = (name: string): string | undefined => {
    if (input.headers instanceof Headers) return input.headers.get(name) ?? undefined;
    const value = input.headers[name] ?? input.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyId = header('pronto-key-id');
  if (!keyId) return { ok: false, reason: 'missing_key_id', detail: 'Pronto-Key-Id header is missing' };
  const result = verifySignature({
    timestampHeader: header('pronto-timestamp'),
    signatureHeader: header('pronto-signature'),
    secrets: typeof input.secret === 'string' ? [input.secret] : input.secret,
    nowMs: input.nowMs ?? Date.now(),
    method: input.method ?? 'POST',
    pathWithQuery: input.path,
    body: input.body,
  });
  if (!result.ok) return result;
  return { ok: true, keyId, alertId: header('pronto-alert-id') ?? '' };
}
