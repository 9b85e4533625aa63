import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import Type from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, Items, isoAt, PrintableName, TenantParams, Timestamp } from './admin-schemas.ts';
import { recordAudit } from './audit.ts';
import { operatorOf, requireAdmin, tenantInScope } from './operator.ts';

const Tenant = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  disabled: Type.Boolean({
    description: "A disabled tenant's keys and sessions answer 401; its leads wait.",
  }),
  createdAt: Timestamp,
});

const TenantName = PrintableName();
const NewTenant = Type.Object(
  { slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$' }), name: TenantName },
  { additionalProperties: false },
);
const TenantChange = Type.Object(
  { name: Type.Optional(TenantName), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  disabledAt: Date | string | null;
  createdAt: Date | string;
}

const COLUMNS = `id::text, slug, name, disabled_at AS "disabledAt", created_at AS "createdAt"`;

const view = (row: TenantRecord) => ({
  slug: row.slug,
  name: row.name,
  disabled: row.disabledAt !== null,
  createdAt: isoAt(row.createdAt),
});

async function readTenant(sql: SqlQueryable, id: string, lock = false): Promise<TenantRecord> {
  const [row] = await sql.query<TenantRecord>(
    `SELECT ${COLUMNS} FROM tenant WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!row) throw new ProblemError('not-found', 'The tenant is gone');
  return row;
}

/** /v1/admin/tenants: the installation's tenants (an admin's); a manager reads its own. */
export const tenantRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/tenants',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'List tenants',
        response: { 200: Items(Tenant), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      const rows =
        operator.role === 'admin'
          ? await deps.sql.query<TenantRecord>(`SELECT ${COLUMNS} FROM tenant ORDER BY slug`)
          : await deps.sql.query<TenantRecord>(`SELECT ${COLUMNS} FROM tenant WHERE id = $1`, [
              operator.tenantId,
            ]);
      return { items: rows.map(view) };
    },
  );

  app.post(
    '/tenants',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create a tenant (admin)',
        body: NewTenant,
        response: { 201: Tenant, ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const operator = requireAdmin(request);
      const now = deps.now();
      const created = await deps.sql.transaction(async (tx) => {
        const [row] = await tx.query<TenantRecord>(
          `INSERT INTO tenant (slug, name, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (slug) DO NOTHING RETURNING ${COLUMNS}`,
          [request.body.slug, request.body.name, now.toISOString()],
        );
        if (!row) {
          throw new ProblemError('conflict', `A tenant ${JSON.stringify(request.body.slug)} exists`, [
            fieldError('slug', 'is taken'),
          ]);
        }
        const tenant = view(row);
        await recordAudit(tx, operator, now, {
          action: 'tenant.create',
          resourceType: 'tenant',
          resourceId: tenant.slug,
          tenantId: row.id,
          before: null,
          after: tenant,
        });
        return tenant;
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/tenants/:tenant',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Read a tenant',
        params: TenantParams,
        response: { 200: Tenant, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      return view(await readTenant(deps.sql, tenant.id));
    },
  );

  app.patch(
    '/tenants/:tenant',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Rename, disable or enable a tenant (admin)',
        description:
          "Disabling: the tenant's client keys, manager keys and console sessions answer 401 at once, and its leads are not dispatched.",
        params: TenantParams,
        body: TenantChange,
        response: { 200: Tenant, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      // Another tenant is 404 to a manager, as everywhere; its own tenant is the admin's to change.
      const scoped = await tenantInScope(deps.sql, request, request.params.tenant);
      const operator = requireAdmin(request);
      const now = deps.now();
      const change = request.body;
      return deps.sql.transaction(async (tx) => {
        const before = await readTenant(tx, scoped.id, true);
        const disabling = change.disabled !== undefined && change.disabled !== (before.disabledAt !== null);
        const renaming = change.name !== undefined && change.name !== before.name;
        if (!disabling && !renaming) return view(before);
        const [after] = await tx.query<TenantRecord>(
          `UPDATE tenant SET name = $2,
                  disabled_at = CASE WHEN $3::boolean THEN COALESCE(disabled_at, $4::timestamptz) ELSE NULL END
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [
            scoped.id,
            change.name ?? before.name,
            change.disabled ?? before.disabledAt !== null,
            now.toISOString(),
          ],
        );
        const tenant = view(after as TenantRecord);
        await recordAudit(tx, operator, now, {
          action: disabling ? (change.disabled ? 'tenant.disable' : 'tenant.enable') : 'tenant.update',
          resourceType: 'tenant',
          resourceId: tenant.slug,
          tenantId: scoped.id,
          before: view(before),
          after: tenant,
        });
        return tenant;
      });
    },
  );
};
