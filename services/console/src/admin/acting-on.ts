import type { SqlQueryable } from '@pronto/db';
import type { Operator } from '@pronto/http';
import type { FastifyRequest } from 'fastify';
import { operatorOf, type ScopedTenant, tenantInScope } from './operator.ts';

/** Who acts, and on which tenant (`:tenant` in the path): 404 when the operator may not act on it. */
export async function actingOn(
  sql: SqlQueryable,
  request: FastifyRequest & { params: { tenant: string } },
): Promise<{ operator: Operator; tenant: ScopedTenant }> {
  const operator = operatorOf(request);
  return { operator, tenant: await tenantInScope(sql, request, request.params.tenant) };
}
