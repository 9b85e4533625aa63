import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, type Operator, ProblemError } from '@pronto/http';
import { hashPassword } from '@pronto/tenancy';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import {
  ADMIN_PROBLEMS,
  DisplayName,
  Items,
  isoAt,
  Password,
  TenantParams,
  Timestamp,
  Username,
} from './admin-schemas.ts';
import { recordAudit } from './audit.ts';
import { operatorOf, requireAdmin, tenantInScope } from './operator.ts';

const Account = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  disabled: Type.Boolean({ description: 'A disabled account cannot sign in; its sessions end at once.' }),
  createdAt: Timestamp,
});
const NewAccount = Type.Object(
  { username: Username, displayName: Type.Optional(DisplayName), password: Password },
  { additionalProperties: false },
);
const AccountChange = Type.Object(
  { displayName: Type.Optional(DisplayName), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const NewPassword = Type.Object({ password: Password }, { additionalProperties: false });
const ManagerParams = Type.Object({ ...TenantParams.properties, manager: Type.String() });
const AdminParams = Type.Object({ manager: Type.String({ description: "The admin's username." }) });

interface AccountRecord {
  id: string;
  username: string;
  displayName: string;
  disabledAt: Date | string | null;
  createdAt: Date | string;
}

const COLUMNS = `id::text, username, display_name AS "displayName", disabled_at AS "disabledAt", created_at AS "createdAt"`;

const view = (row: AccountRecord) => ({
  username: row.username,
  displayName: row.displayName,
  disabled: row.disabledAt !== null,
  createdAt: isoAt(row.createdAt),
});

/** Whose accounts a route acts on: one tenant's managers, or the installation's admins. */
interface AccountScope {
  role: 'manager' | 'admin';
  tenantId: string | null;
  operator: Operator;
}

/** The audit log's words for a change to an account of `scope`: manager.create, admin.disable, ... */
const auditOf = (scope: AccountScope, verb: string, username: string) => ({
  action: `${scope.role}.${verb}`,
  resourceType: scope.role,
  resourceId: username,
  tenantId: scope.tenantId,
});

const IN_SCOPE = `role = $1 AND tenant_id IS NOT DISTINCT FROM $2::uuid`;

async function lockAccount(tx: SqlQueryable, scope: AccountScope, username: string): Promise<AccountRecord> {
  const [row] = await tx.query<AccountRecord>(
    `SELECT ${COLUMNS} FROM manager WHERE ${IN_SCOPE} AND username = $3 FOR UPDATE`,
    [scope.role, scope.tenantId, username],
  );
  if (!row) throw new ProblemError('not-found', `No ${scope.role} ${JSON.stringify(username)}`);
  return row;
}

/**
 * The console's accounts: a tenant's managers (/tenants/:tenant/managers: admin, or the tenant's
 * managers) and the installation's admins (/admins: admin only), one table told apart by role.
 */
export const managerRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  const list = async (scope: AccountScope) => {
    const rows = await deps.sql.query<AccountRecord>(
      `SELECT ${COLUMNS} FROM manager WHERE ${IN_SCOPE} ORDER BY username`,
      [scope.role, scope.tenantId],
    );
    return { items: rows.map(view) };
  };

  const create = async (
    scope: AccountScope,
    body: { username: string; displayName?: string; password: string },
  ) => {
    const passwordHash = await hashPassword(body.password);
    const now = deps.now();
    return deps.sql.transaction(async (tx) => {
      const [row] = await tx.query<AccountRecord>(
        `INSERT INTO manager (role, tenant_id, username, display_name, password_hash, created_at)
         VALUES ($1, $2::uuid, $3, $4, $5, $6)
         ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
        [
          scope.role,
          scope.tenantId,
          body.username,
          body.displayName ?? body.username,
          passwordHash,
          now.toISOString(),
        ],
      );
      if (!row) {
        throw new ProblemError('conflict', `The username ${JSON.stringify(body.username)} is taken`, [
          fieldError('username', 'is taken'),
        ]);
      }
      const account = view(row);
      await recordAudit(tx, scope.operator, now, {
        ...auditOf(scope, 'create', account.username),
        before: null,
        after: account,
      });
      return account;
    });
  };

  const change = (
    scope: AccountScope,
    username: string,
    body: { displayName?: string; disabled?: boolean },
  ) => {
    const now = deps.now();
    return deps.sql.transaction(async (tx) => {
      const before = await lockAccount(tx, scope, username);
      const disabling = body.disabled !== undefined && body.disabled !== (before.disabledAt !== null);
      const renaming = body.displayName !== undefined && body.displayName !== before.displayName;
      if (!disabling && !renaming) return view(before);
      // Sessions check disabled_at at every request: disabling ends them at once, on every instance.
      const [after] = await tx.query<AccountRecord>(
        `UPDATE manager SET display_name = $2,
                disabled_at = CASE WHEN $3::boolean THEN COALESCE(disabled_at, $4::timestamptz) ELSE NULL END
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          before.id,
          body.displayName ?? before.displayName,
          body.disabled ?? before.disabledAt !== null,
          now.toISOString(),
        ],
      );
      const account = view(after as AccountRecord);
      const verb = disabling ? (body.disabled ? 'disable' : 'enable') : 'update';
      await recordAudit(tx, scope.operator, now, {
        ...auditOf(scope, verb, username),
        before: view(before),
        after: account,
      });
      return account;
    });
  };

  const setPassword = async (scope: AccountScope, username: string, password: string) => {
    const passwordHash = await hashPassword(password);
    const now = deps.now();
    await deps.sql.transaction(async (tx) => {
      const account = await lockAccount(tx, scope, username);
      await tx.query('UPDATE manager SET password_hash = $2 WHERE id = $1', [account.id, passwordHash]);
      // A reset password is often a leaked one: whoever signed in with it is signed out everywhere.
      await tx.query('DELETE FROM manager_session WHERE manager_id = $1', [account.id]);
      await recordAudit(tx, scope.operator, now, {
        ...auditOf(scope, 'password', username),
        before: null,
        after: null,
      });
    });
  };

  const managers = async (request: FastifyRequest, slug: string): Promise<AccountScope> => {
    const tenant = await tenantInScope(deps.sql, request, slug);
    return { role: 'manager', tenantId: tenant.id, operator: operatorOf(request) };
  };
  const admins = (request: FastifyRequest): AccountScope => ({
    role: 'admin',
    tenantId: null,
    operator: requireAdmin(request),
  });
  const schema = <Extra extends object>(summary: string, extra: Extra) => ({
    schema: { ...ADMIN_SCHEMA, summary, ...extra },
  });

  app.get(
    '/tenants/:tenant/managers',
    schema("List a tenant's managers", {
      params: TenantParams,
      response: { 200: Items(Account), ...ADMIN_PROBLEMS },
    }),
    async (request) => list(await managers(request, request.params.tenant)),
  );
  app.post(
    '/tenants/:tenant/managers',
    schema('Create a manager of the tenant', {
      params: TenantParams,
      body: NewAccount,
      response: { 201: Account, ...ADMIN_PROBLEMS },
    }),
    async (request, reply) =>
      reply.code(201).send(await create(await managers(request, request.params.tenant), request.body)),
  );
  app.patch(
    '/tenants/:tenant/managers/:manager',
    schema('Rename, disable or enable a manager', {
      params: ManagerParams,
      body: AccountChange,
      response: { 200: Account, ...ADMIN_PROBLEMS },
    }),
    async (request) =>
      change(await managers(request, request.params.tenant), request.params.manager, request.body),
  );
  app.post(
    '/tenants/:tenant/managers/:manager/password',
    schema("Set a manager's password; the manager's sessions end", {
      params: ManagerParams,
      body: NewPassword,
      response: { 204: Type.Null(), ...ADMIN_PROBLEMS },
    }),
    async (request, reply) => {
      const scope = await managers(request, request.params.tenant);
      await setPassword(scope, request.params.manager, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/admins',
    schema("List the installation's admins (admin)", {
      response: { 200: Items(Account), ...ADMIN_PROBLEMS },
    }),
    async (request) => list(admins(request)),
  );
  app.post(
    '/admins',
    schema('Create an admin (admin)', { body: NewAccount, response: { 201: Account, ...ADMIN_PROBLEMS } }),
    async (request, reply) => reply.code(201).send(await create(admins(request), request.body)),
  );
  app.patch(
    '/admins/:manager',
    schema('Rename, disable or enable an admin (admin)', {
      params: AdminParams,
      body: AccountChange,
      response: { 200: Account, ...ADMIN_PROBLEMS },
    }),
    async (request) => change(admins(request), request.params.manager, request.body),
  );
  app.post(
    '/admins/:manager/password',
    schema("Set an admin's password (admin); the admin's sessions end", {
      params: AdminParams,
      body: NewPassword,
      response: { 204: Type.Null(), ...ADMIN_PROBLEMS },
    }),
    async (request, reply) => {
      await setPassword(admins(request), request.params.manager, request.body.password);
      return reply.code(204).send(null);
    },
  );
};
