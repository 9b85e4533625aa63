import { signatureHeaders } from '@pronto/signature';

export interface AlertPost {
  url: string;
  alertId: string;
  keyId: string;
  secret: string;
  /** The JSON body, exactly the bytes signed. */
  body: string;
  now: Date;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * POSTs one alert, signed like the intake API (the receiver checks it with the secret it already has):
 * Pronto-Signature over timestamp, POST, the URL's path and query, and the body. Redirects are not
 * followed (a signature covers one path); anything but 2xx is a failure to retry.
 */
export async function postAlert(post: AlertPost): Promise<PostOutcome> {
  const url = new URL(post.url);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Pronto-Alerts/1',
    'pronto-alert-id': post.alertId,
    ...signatureHeaders(post.keyId, post.secret, {
      timestamp: Math.floor(post.now.getTime() / 1000),
      method: 'POST',
      pathWithQuery: `${url.pathname}${url.search}`,
      body: post.body,
    }),
  };
  try {
    const response = await post.fetch(url, {
      method: 'POST',
      headers,
      body: post.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    // The answer's body is not read: only its status counts.
    await response.body?.cancel().catch(() => {});
    return response.status >= 200 && response.status < 300
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return {
      ok: false,
      status: null,
      error:
        name === 'TimeoutError' ? `no answer in ${post.timeoutMs} ms` : (cause ?? (error as Error).message),
    };
  }
}
