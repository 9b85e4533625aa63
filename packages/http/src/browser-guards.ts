import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { clockedRateLimitStore } from './clocked-rate-limit-store.ts';
import { isLoopbackAddress } from './loopback-address.ts';
import { ProblemError } from './problems.ts';
import { PAGE_HELMET_OPTIONS } from './security-headers.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What a browser surface's scope (the desktop, the dashboard) adds: CSP and frame protection on
 * every answer, a per-address limit that routes opt into (`config.rateLimit`), and, as a second line
 * behind the SameSite=Strict cookie, a state-changing request whose Origin is another site's is
 * refused. A request without Origin is not a browser's (browsers always send it on POST and DELETE):
 * the command-line clients and the demo agents sign in without one.
 */
export async function registerBrowserGuards(
  scope: FastifyInstance,
  options: { allowsOrigin: (origin: string | undefined) => boolean; now: () => Date },
) {
  await scope.register(helmet, PAGE_HELMET_OPTIONS);
  await scope.register(rateLimit, {
    global: false,
    store: clockedRateLimitStore(options.now),
    // This machine's own clients (the demo agents, benchmarks, a proxy on the same host without
    // PRONTO_TRUST_PROXY, which would make every person one address) are not limited by address;
    // the per-account delays still apply to them.
    allowList: (request) => isLoopbackAddress(request.ip),
    errorResponseBuilder: (_request, context) =>
      new ProblemError(
        'too-many-sign-ins',
        `Too many sign-in attempts from this address: try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  scope.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (STATE_CHANGING.has(request.method) && origin !== undefined && !options.allowsOrigin(origin)) {
      throw new ProblemError('forbidden-origin', 'Requests from this origin are refused');
    }
  });
}
