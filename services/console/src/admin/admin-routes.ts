import type { FastifyPluginAsync } from 'fastify';
import type { AdminDeps } from './admin-deps.ts';
import { agentRoutes } from './agents.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditRoutes } from './audit-routes.ts';
import { campaignRoutes } from './campaigns.ts';
import { groupRoutes } from './groups.ts';
import { managerRoutes } from './managers.ts';
import { operatorKeyRoutes } from './operator-keys.ts';
import { tenantRoutes } from './tenants.ts';
import { whoamiRoute } from './whoami.ts';

/**
 * The admin API (/v1/admin, docs/api.md "Administration"), for the signed API app's `signedRoutes`:
 * every route is an `operator` route, taken with an operator key or a manager's or admin's console
 * session, never with a client's event key. Served by the console service, and by the embedded process.
 */
export function adminSignedRoutes(deps: AdminDeps): FastifyPluginAsync[] {
  return [
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config as object), operator: true } as typeof route.config;
      });
      for (const routes of [
        whoamiRoute,
        tenantRoutes,
        operatorKeyRoutes,
        apiKeyRoutes,
        campaignRoutes,
        groupRoutes,
        agentRoutes,
        managerRoutes,
        auditRoutes,
      ]) {
        await scope.register(routes, { ...deps, prefix: '/v1/admin' });
      }
    },
  ];
}
