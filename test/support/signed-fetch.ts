import { signatureHeaders } from '@pronto/signature';

/** One signed request, no retries: the crash test must see exactly what each try got. */
export async function signedFetch(
  baseUrl: string,
  key: { keyId: string; secret: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signatureHeaders(key.keyId, key.secret, {
    timestamp: Math.floor(Date.now() / 1000),
    method,
    pathWithQuery: path,
    body: text,
  });
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(text ? { 'content-type': 'application/json' } : {}) },
    ...(text ? { body: text } : {}),
  });
  return { status: response.status, json: await response.json() };
}
