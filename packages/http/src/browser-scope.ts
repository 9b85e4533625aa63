import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { registerBrowserGuards } from './browser-guards.ts';
import { createProblemErrorHandler, type UnavailableProblem } from './error-handler.ts';
import { acceptJsonBodies } from './json-bodies.ts';

/**
 * Prepares a fastify scope for a browser surface (the desktop, the dashboard), whichever app it is
 * mounted on: cookies, problem+json errors with the surface's 503, the browser guards, JSON bodies,
 * and its routes kept out of the app's OpenAPI document (the signed API's).
 */
export async function prepareBrowserScope(
  scope: FastifyInstance,
  options: {
    unavailable: UnavailableProblem;
    allowsOrigin: (origin: string | undefined) => boolean;
    now: () => Date;
  },
) {
  if (!scope.hasPlugin('@fastify/cookie')) await scope.register(cookie);
  scope.setErrorHandler(createProblemErrorHandler(options.unavailable));
  await registerBrowserGuards(scope, { allowsOrigin: options.allowsOrigin, now: options.now });
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true } as FastifySchema;
  });
  acceptJsonBodies(scope);
}
