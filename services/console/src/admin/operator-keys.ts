import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import { issueOperatorKey } from '@pronto/tenancy';
import Type from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import {
  ADMIN_PROBLEMS,
  Items,
  iso,
  isoAt,
  NullableString,
  NullableTimestamp,
  PrintableName,
  Timestamp,
} from './admin-schemas.ts';
import { recordAudit } from './audit.ts';
import { requireAdmin, tenantInScope } from './operator.ts';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('manager')]);

const OperatorKey = Type.Object({
  keyId: Type.String(),
  role: Role,
  tenant: Type.Union([Type.String(), Type.Null()], { description: "A manager key's tenant (slug)." }),
  name: NullableString,
  createdAt: Timestamp,
  revokedAt: NullableTimestamp,
});
const IssuedOperatorKey = Type.Object({
  ...OperatorKey.properties,
  secret: Type.String({ description: 'Shown this once; only its sealed form is kept.' }),
});

const NewOperatorKey = Type.Object(
  {
    role: Role,
    tenant: Type.Optional(Type.String({ description: "The tenant's slug: required for a manager key." })),
    name: Type.Optional(PrintableName()),
  },
  { additionalProperties: false },
);

interface OperatorKeyRecord {
  keyId: string;
  role: 'admin' | 'manager';
  tenantId: string | null;
  tenant: string | null;
  name: string | null;
  createdAt: Date | string;
  revokedAt: Date | string | null;
}

const SELECT = `SELECT k.id AS "keyId", k.role, k.tenant_id::text AS "tenantId", t.slug AS tenant, k.name,
                       k.created_at AS "createdAt", k.revoked_at AS "revokedAt"
                  FROM operator_key k LEFT JOIN tenant t ON t.id = k.tenant_id`;

const view = (row: OperatorKeyRecord) => ({
  keyId: row.keyId,
  role: row.role,
  tenant: row.tenant,
  name: row.name,
  createdAt: isoAt(row.createdAt),
  revokedAt: iso(row.revokedAt),
});

async function readOperatorKeyRecord(sql: SqlQueryable, keyId: string): Promise<OperatorKeyRecord> {
  const [row] = await sql.query<OperatorKeyRecord>(`${SELECT} WHERE k.id = $1 FOR UPDATE OF k`, [keyId]);
  if (!row) throw new ProblemError('not-found', `No operator key ${JSON.stringify(keyId)}`);
  return row;
}

/** /v1/admin/operator-keys: the keys of this admin API, the installation's (admin) or a tenant's (manager). */
export const operatorKeyRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/operator-keys',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'List operator keys (admin)',
        querystring: Type.Object({ tenant: Type.Optional(Type.String()) }),
        response: { 200: Items(OperatorKey), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      requireAdmin(request);
      const slug = request.query.tenant;
      const tenant = slug === undefined ? undefined : await tenantInScope(deps.sql, request, slug);
      const rows = tenant
        ? await deps.sql.query<OperatorKeyRecord>(
            `${SELECT} WHERE k.tenant_id = $1 ORDER BY k.created_at, k.id`,
            [tenant.id],
          )
        : await deps.sql.query<OperatorKeyRecord>(`${SELECT} ORDER BY k.created_at, k.id`);
      return { items: rows.map(view) };
    },
  );

  app.post(
    '/operator-keys',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create an operator key (admin); its secret is shown once',
        body: NewOperatorKey,
        response: { 201: IssuedOperatorKey, ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const operator = requireAdmin(request);
      const { role, tenant: slug, name } = request.body;
      if (role === 'manager' && slug === undefined)
        throw new ProblemError('validation-error', 'A manager key belongs to one tenant', [
          fieldError('tenant', 'is required for a manager key'),
        ]);
      if (role === 'admin' && slug !== undefined)
        throw new ProblemError('validation-error', 'An admin key acts for the whole installation', [
          fieldError('tenant', 'must be left out for an admin key'),
        ]);
      const [tenant] =
        slug === undefined
          ? []
          : await deps.sql.query<{ id: string }>('SELECT id::text FROM tenant WHERE slug = $1', [slug]);
      if (slug !== undefined && !tenant)
        throw new ProblemError('validation-error', `No tenant ${JSON.stringify(slug)}`, [
          fieldError('tenant', 'is not a tenant'),
        ]);
      const now = deps.now();
      const issued = await deps.sql.transaction(async (tx) => {
        const { keyId, secret } = await issueOperatorKey(tx, deps.secretBox, {
          role,
          tenantId: tenant?.id ?? null,
          name: name ?? null,
          createdAt: now,
        });
        const key = view(await readOperatorKeyRecord(tx, keyId));
        await recordAudit(tx, operator, now, {
          action: 'operator_key.create',
          resourceType: 'operator_key',
          resourceId: keyId,
          tenantId: tenant?.id ?? null,
          before: null,
          after: key,
        });
        return { ...key, secret };
      });
      request.log.info({ keyId: issued.keyId, role }, 'operator key created');
      return reply.code(201).send(issued);
    },
  );

  app.post(
    '/operator-keys/:keyId/revoke',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Revoke an operator key (admin): refused at once on every instance',
        params: Type.Object({ keyId: Type.String() }),
        response: { 200: OperatorKey, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const operator = requireAdmin(request);
      const now = deps.now();
      return deps.sql.transaction(async (tx) => {
        const before = await readOperatorKeyRecord(tx, request.params.keyId);
        if (before.revokedAt !== null)
          throw new ProblemError('conflict', `Operator key ${before.keyId} is already revoked`);
        await tx.query('UPDATE operator_key SET revoked_at = $2 WHERE id = $1', [
          before.keyId,
          now.toISOString(),
        ]);
        const after = view({ ...before, revokedAt: now });
        await recordAudit(tx, operator, now, {
          action: 'operator_key.revoke',
          resourceType: 'operator_key',
          resourceId: before.keyId,
          tenantId: before.tenantId,
          before: view(before),
          after,
        });
        return after;
      });
    },
  );
};
