import { isIP } from 'node:net';

/**
 * Why `text` cannot be a webhook URL, or null when it can. Alerts carry a tenant's leads, so they go
 * over TLS; plain http only to this machine (a developer's receiver, a local relay). Credentials in
 * the URL are refused: they would be stored and shown in clear, and the signature already says the
 * alert is Pronto's.
 */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL (https://...)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:')
    return isLoopback(url.hostname) ? null : 'must be https (http only to loopback)';
  return 'must be an https URL';
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}
