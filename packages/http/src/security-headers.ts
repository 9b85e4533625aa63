/**
 * @fastify/helmet options for the desktop (/agent) and the dashboard (/manager): their scripts,
 * styles and Chart.js come from Pronto itself, their socket and streams go back to it, and no
 * other site may frame them (the desktop's keyboard accept cannot be clickjacked).
 */
export const PAGE_HELMET_OPTIONS = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // The desktop's icon is a data: SVG.
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      // The desktop's heartbeat worker is a file of its own (heartbeat-worker.js), never a blob:.
      workerSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  // Over plain http on the loopback (npm start) HSTS would be ignored; behind TLS it is the proxy's.
  strictTransportSecurity: false,
};

/**
 * The same for the JSON API and its pages (/docs, /problems): nothing to frame; Swagger UI's own
 * page keeps the plugin's defaults, which it was written against.
 */
export const API_HELMET_OPTIONS = {
  global: true,
  contentSecurityPolicy: {
    // Not upgrade-insecure-requests: npm start serves /docs over plain http on the loopback.
    directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null },
  },
  frameguard: { action: 'deny' as const },
  strictTransportSecurity: false,
};
