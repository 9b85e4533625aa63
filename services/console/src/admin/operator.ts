import type { SqlQueryable } from '@pronto/db';
import { type Operator, ProblemError } from '@pronto/http';
import type { FastifyRequest } from 'fastify';

/** The operator of an admin route (authenticate set it; a route without one was never reached). */
export function operatorOf(request: FastifyRequest): Operator {
  if (!request.operator) throw new ProblemError('unauthorized');
  return request.operator;
}

/** The installation's routes (tenants, operator keys, admins): an admin only. */
export function requireAdmin(request: FastifyRequest): Operator {
  const operator = operatorOf(request);
  if (operator.role !== 'admin') {
    throw new ProblemError(
      'forbidden',
      'Only an admin (the installation) may do this; a manager acts on their own tenant',
    );
  }
  return operator;
}

export interface ScopedTenant {
  id: string;
  slug: string;
  name: string;
  disabled: boolean;
}

/**
 * The tenant named in the path (`/v1/admin/tenants/:tenant/...`, by slug) when the operator may act
 * on it: an admin on any, a manager on their own. Another tenant is 404, as if it did not exist.
 */
export async function tenantInScope(
  sql: SqlQueryable,
  request: FastifyRequest,
  slug: string,
): Promise<ScopedTenant> {
  const operator = operatorOf(request);
  const [tenant] = await sql.query<ScopedTenant>(
    `SELECT id::text, slug, name, disabled_at IS NOT NULL AS disabled FROM tenant WHERE slug = $1`,
    [slug],
  );
  if (!tenant || (operator.role !== 'admin' && operator.tenantId !== tenant.id)) {
    throw new ProblemError('not-found', `No tenant ${JSON.stringify(slug)}`);
  }
  return tenant;
}
