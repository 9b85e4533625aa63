import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isStorableDateTime } from '@pronto/contracts';
import { fieldError, ProblemError } from '@pronto/http';
import Type, { type Static } from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, isoAt, Timestamp } from './admin-schemas.ts';
import { operatorOf, tenantInScope } from './operator.ts';

const AuditRow = Type.Object({
  id: Type.String(),
  at: Timestamp,
  tenant: Type.Union([Type.String(), Type.Null()], {
    description: "The tenant's slug; null for the installation's.",
  }),
  actor: Type.String({ description: 'key:<id> or <role>:<username>.' }),
  actorRole: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  before: Type.Unknown({ description: 'The resource before the change (null: created); never a secret.' }),
  after: Type.Unknown({ description: 'The resource after the change (null: deleted); never a secret.' }),
});
const AuditPage = Type.Object({
  items: Type.Array(AuditRow),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'The next (older) page; null: no more.',
  }),
});

const AuditQuery = Type.Object({
  tenant: Type.Optional(Type.String({ description: "A tenant's slug." })),
  action: Type.Optional(Type.String()),
  resourceType: Type.Optional(Type.String()),
  resourceId: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Rows at or after this time.' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Rows before this time.' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: '1..500, default 100.' })),
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the page before.' })),
});

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

/** A row as read: its time still the database's. */
type AuditRecord = Omit<Static<typeof AuditRow>, 'at'> & { at: Date | string };

/** A page ends at a row: the next one starts below its (at, id), newest first. */
const encodeCursor = (row: AuditRecord) =>
  Buffer.from(`${isoAt(row.at)}|${row.id}`, 'utf8').toString('base64url');

/** audit_log.id is a bigint: a longer id would fail in the database rather than here. */
const MAX_ID = 9_223_372_036_854_775_807n;

/**
 * Only what encodeCursor writes is taken: its exact ISO time (Date.parse takes '1' or 'March 7',
 * which the database refuses) and an id within bigint's range.
 */
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const exactTime = at !== undefined && isStorableDateTime(at) && new Date(at).toISOString() === at;
  const idInRange = id !== undefined && /^[0-9]{1,19}$/.test(id) && BigInt(id) <= MAX_ID;
  if (!exactTime || !idInRange || rest.length > 0) {
    throw new ProblemError('validation-error', 'The cursor is not one this API gave', [
      fieldError('cursor', 'must be a nextCursor of an earlier page'),
    ]);
  }
  return { at, id };
}

function parseLimit(limit: string | undefined): number {
  const value = limit === undefined ? DEFAULT_LIMIT : Number(limit);
  if (value < 1 || value > MAX_LIMIT) {
    throw new ProblemError('validation-error', 'The limit is out of range', [
      fieldError('limit', `must be an integer from 1 to ${MAX_LIMIT}`),
    ]);
  }
  return value;
}

/** GET /v1/admin/audit: who changed what and when, newest first; a manager reads its own tenant's rows. */
export const auditRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/audit',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Read the audit log, newest first',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      const query = request.query;
      const limit = parseLimit(query.limit);
      const params: unknown[] = [];
      const where: string[] = [];
      const add = (condition: (param: string) => string, value: unknown) => {
        params.push(value);
        where.push(condition(`$${params.length}`));
      };
      // A manager's rows are its tenant's, named or not; another tenant is 404 as everywhere.
      const tenantId =
        query.tenant !== undefined
          ? (await tenantInScope(deps.sql, request, query.tenant)).id
          : operator.role === 'admin'
            ? undefined
            : operator.tenantId;
      if (tenantId !== undefined) add((p) => `a.tenant_id = ${p}::uuid`, tenantId);
      if (query.action !== undefined) add((p) => `a.action = ${p}`, query.action);
      if (query.resourceType !== undefined) add((p) => `a.resource_type = ${p}`, query.resourceType);
      if (query.resourceId !== undefined) add((p) => `a.resource_id = ${p}`, query.resourceId);
      if (query.actor !== undefined) add((p) => `a.actor = ${p}`, query.actor);
      if (query.since !== undefined) add((p) => `a.at >= ${p}::timestamptz`, query.since);
      if (query.until !== undefined) add((p) => `a.at < ${p}::timestamptz`, query.until);
      if (query.cursor !== undefined) {
        const cursor = decodeCursor(query.cursor);
        params.push(cursor.at, cursor.id);
        where.push(`(a.at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
      }
      params.push(limit + 1);
      const rows = await deps.sql.query<AuditRecord>(
        `SELECT a.id::text, a.at, t.slug AS tenant, a.actor, a.actor_role AS "actorRole", a.action,
                a.resource_type AS "resourceType", a.resource_id AS "resourceId", a.before, a.after
           FROM audit_log a LEFT JOIN tenant t ON t.id = a.tenant_id
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY a.at DESC, a.id DESC
          LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => ({ ...row, at: isoAt(row.at) })),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
  );
};
