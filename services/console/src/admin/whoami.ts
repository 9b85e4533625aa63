import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import Type from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { operatorOf } from './operator.ts';

const WhoAmI = Type.Object({
  role: Type.Union([Type.Literal('admin'), Type.Literal('manager')]),
  tenant: Type.Union([Type.String(), Type.Null()], {
    description: "A manager's tenant (slug); null for an admin.",
  }),
  actor: Type.String({ description: 'How the audit log names the caller: key:<id> or <role>:<username>.' }),
});

/** GET /v1/admin/whoami: who the key or session is, for `pronto login` and the console's pages. */
export const whoamiRoute: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/whoami',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Who is calling: role, tenant, actor',
        response: { 200: WhoAmI, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      const [tenant] = operator.tenantId
        ? await deps.sql.query<{ slug: string }>('SELECT slug FROM tenant WHERE id = $1', [operator.tenantId])
        : [];
      return { role: operator.role, tenant: tenant?.slug ?? null, actor: operator.actor };
    },
  );
};
