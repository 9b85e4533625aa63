import Type from 'typebox';

/** How an HTTP service meets browsers and proxies; every service with an HTTP port spreads these. */
export const HttpSettings = {
  PRONTO_PUBLIC_ORIGINS: Type.Optional(
    Type.String({
      pattern: '^https?://[^,\\s/]+(,https?://[^,\\s/]+)*$',
      description:
        'origins the desktop and the dashboard are opened from, comma-separated (https://pronto.bank.example); a browser request from any other origin is refused. Default: http://127.0.0.1:PORT and http://localhost:PORT',
    }),
  ),
  PRONTO_TRUST_PROXY: Type.Enum(['0', '1'], {
    default: '0',
    description:
      '1 behind a TLS-terminating proxy: X-Forwarded-For/-Proto/-Host are honoured and session cookies are always Secure',
  }),
  PRONTO_REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 1_000,
    maximum: 600_000,
    default: 30_000,
    description: 'a request whose headers and body have not all arrived by then is answered 408 and closed',
  }),
};

/** The settings' values as a service hands them to its app. */
export interface HttpOptions {
  /** Origins a browser may send state-changing and WebSocket requests from; unset: the listening address's. */
  publicOrigins?: readonly string[];
  trustProxy: boolean;
  requestTimeoutMs: number;
}

export function httpOptions(config: {
  PRONTO_PUBLIC_ORIGINS?: string | undefined;
  PRONTO_TRUST_PROXY: '0' | '1';
  PRONTO_REQUEST_TIMEOUT_MS: number;
}): HttpOptions {
  return {
    ...(config.PRONTO_PUBLIC_ORIGINS
      ? { publicOrigins: config.PRONTO_PUBLIC_ORIGINS.split(',').map((origin) => origin.toLowerCase()) }
      : {}),
    trustProxy: config.PRONTO_TRUST_PROXY === '1',
    requestTimeoutMs: config.PRONTO_REQUEST_TIMEOUT_MS,
  };
}
