import type { AddressInfo } from 'node:net';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * Whether a browser request comes from a page of Pronto's own: its Origin header must be one of
 * the configured public origins or, with none configured, one of the listening address's
 * (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT, and the address itself when
 * the server listens on one). A missing Origin is never Pronto's page: browsers always send it
 * on WebSocket upgrades, POST and DELETE.
 */
export function createOriginPolicy(
  publicOrigins: readonly string[] | undefined,
  address: () => AddressInfo | string | null,
): (origin: string | undefined) => boolean {
  const configured = publicOrigins ? new Set(publicOrigins.map((origin) => origin.toLowerCase())) : undefined;
  return (origin) => {
    if (!origin) return false;
    const lower = origin.toLowerCase();
    if (configured) return configured.has(lower);
    const bound = address();
    if (!bound || typeof bound === 'string') return false;
    const hosts = ['127.0.0.1', 'localhost', '[::1]'];
    if (!WILDCARD.has(bound.address)) {
      hosts.push(bound.family === 'IPv6' ? `[${bound.address}]` : bound.address);
    }
    return hosts.some((host) => lower === `http://${host}:${bound.port}`);
  };
}
