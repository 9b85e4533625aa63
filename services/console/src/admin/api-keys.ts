import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SqlQueryable } from '@pronto/db';
import { type Operator, ProblemError } from '@pronto/http';
import { generateSecret } from '@pronto/tenancy';
import Type from 'typebox';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import {
  ADMIN_PROBLEMS,
  bodyMayBeOmitted,
  Items,
  iso,
  isoAt,
  NullableString,
  NullableTimestamp,
  PrintableName,
  TenantParams,
  Timestamp,
} from './admin-schemas.ts';
import { recordAudit } from './audit.ts';
import { operatorOf, tenantInScope } from './operator.ts';

const ApiKey = Type.Object({
  keyId: Type.String(),
  name: NullableString,
  createdAt: Timestamp,
  rotatedAt: NullableTimestamp,
  previousValidUntil: Type.Union([Type.String(), Type.Null()], {
    description: 'Until when the secret before the last rotation still verifies.',
  }),
  revokedAt: NullableTimestamp,
});
const IssuedApiKey = Type.Object({
  ...ApiKey.properties,
  secret: Type.String({ description: 'Shown this once; only its sealed form is kept.' }),
});

const KeyParams = Type.Object({ ...TenantParams.properties, keyId: Type.String() });
const NewApiKey = Type.Object({ name: Type.Optional(PrintableName()) }, { additionalProperties: false });
const Rotation = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 604_800,
        description: 'How long the old secret stays valid (default 86400: one day).',
      }),
    ),
  },
  { additionalProperties: false },
);
const DEFAULT_GRACE_SECONDS = 86_400;

interface ApiKeyRecord {
  keyId: string;
  name: string | null;
  createdAt: Date | string;
  rotatedAt: Date | string | null;
  previousValidUntil: Date | string | null;
  revokedAt: Date | string | null;
}

const COLUMNS = `id AS "keyId", name, created_at AS "createdAt", rotated_at AS "rotatedAt",
                 previous_secret_expires_at AS "previousValidUntil", revoked_at AS "revokedAt"`;

const view = (row: ApiKeyRecord) => ({
  keyId: row.keyId,
  name: row.name,
  createdAt: isoAt(row.createdAt),
  rotatedAt: iso(row.rotatedAt),
  previousValidUntil: iso(row.previousValidUntil),
  revokedAt: iso(row.revokedAt),
});

/** The tenant's keys, revoked ones too, oldest first. */
const tenantKeys = (sql: SqlQueryable, tenantId: string) =>
  sql.query<ApiKeyRecord>(`SELECT ${COLUMNS} FROM api_key WHERE tenant_id = $1 ORDER BY created_at, id`, [
    tenantId,
  ]);

/** A client key id: told apart from an operator key (`op_`) at a glance. */
const newClientKeyId = () => `key_${randomBytes(8).toString('hex')}`;

/** The tenant's key, locked for the change; another tenant's key is as unknown as a missing one. */
async function lockKey(tx: SqlQueryable, tenantId: string, keyId: string): Promise<ApiKeyRecord> {
  const [row] = await tx.query<ApiKeyRecord>(
    `SELECT ${COLUMNS} FROM api_key WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
    [keyId, tenantId],
  );
  if (!row) throw new ProblemError('not-found', `No key ${JSON.stringify(keyId)} in this tenant`);
  if (row.revokedAt !== null) throw new ProblemError('conflict', `Key ${keyId} is revoked`);
  return row;
}

/** /v1/admin/tenants/:tenant/keys: the tenant's event-signing keys (admin, or the tenant's manager). */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  /** Runs `change` on the key in one transaction with its audit row; answers the key after it. */
  const changeKey = (
    operator: Operator,
    tenantId: string,
    keyId: string,
    action: string,
    change: (tx: SqlQueryable, now: Date) => Promise<ApiKeyRecord>,
  ) => {
    const now = deps.now();
    return deps.sql.transaction(async (tx) => {
      const before = view(await lockKey(tx, tenantId, keyId));
      const after = view(await change(tx, now));
      await recordAudit(tx, operator, now, {
        action,
        resourceType: 'key',
        resourceId: keyId,
        tenantId,
        before,
        after,
      });
      return after;
    });
  };

  app.get(
    '/tenants/:tenant/keys',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "List a tenant's client keys",
        params: TenantParams,
        response: { 200: Items(ApiKey), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      return { items: (await tenantKeys(deps.sql, tenant.id)).map(view) };
    },
  );

  app.post(
    '/tenants/:tenant/keys',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create a client key; its secret is shown once',
        params: TenantParams,
        body: NewApiKey,
        response: { 201: IssuedApiKey, ...ADMIN_PROBLEMS },
      },
      preValidation: bodyMayBeOmitted,
    },
    async (request, reply) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const operator = operatorOf(request);
      const now = deps.now();
      const secret = generateSecret();
      const key = await deps.sql.transaction(async (tx) => {
        const [row] = await tx.query<ApiKeyRecord>(
          `INSERT INTO api_key (id, tenant_id, name, secret_ciphertext, created_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
          [
            newClientKeyId(),
            tenant.id,
            request.body.name ?? null,
            deps.secretBox.seal(secret),
            now.toISOString(),
          ],
        );
        const created = view(row as ApiKeyRecord);
        await recordAudit(tx, operator, now, {
          action: 'key.create',
          resourceType: 'key',
          resourceId: created.keyId,
          tenantId: tenant.id,
          before: null,
          after: created,
        });
        return created;
      });
      request.log.info({ keyId: key.keyId, tenantId: tenant.id }, 'client key created');
      return reply.code(201).send({ ...key, secret });
    },
  );

  app.post(
    '/tenants/:tenant/keys/:keyId/rotate',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Give a client key a new secret; the old one verifies for graceSeconds more',
        params: KeyParams,
        body: Rotation,
        response: { 200: IssuedApiKey, ...ADMIN_PROBLEMS },
      },
      preValidation: bodyMayBeOmitted,
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const graceSeconds = request.body.graceSeconds ?? DEFAULT_GRACE_SECONDS;
      const secret = generateSecret();
      const key = await changeKey(
        operatorOf(request),
        tenant.id,
        request.params.keyId,
        'key.rotate',
        async (tx, now) => {
          const [row] = await tx.query<ApiKeyRecord>(
            `UPDATE api_key SET previous_secret_ciphertext = secret_ciphertext, secret_ciphertext = $2,
                    previous_secret_expires_at = $3, rotated_at = $4
              WHERE id = $1 RETURNING ${COLUMNS}`,
            [
              request.params.keyId,
              deps.secretBox.seal(secret),
              new Date(now.getTime() + graceSeconds * 1000).toISOString(),
              now.toISOString(),
            ],
          );
          return row as ApiKeyRecord;
        },
      );
      request.log.info({ keyId: key.keyId, tenantId: tenant.id, graceSeconds }, 'client key rotated');
      return { ...key, secret };
    },
  );

  app.post(
    '/tenants/:tenant/keys/:keyId/revoke',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Revoke a client key: refused at once on every instance',
        params: KeyParams,
        response: { 200: ApiKey, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const key = await changeKey(
        operatorOf(request),
        tenant.id,
        request.params.keyId,
        'key.revoke',
        async (tx, now) => {
          const [row] = await tx.query<ApiKeyRecord>(
            `UPDATE api_key SET revoked_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
            [request.params.keyId, now.toISOString()],
          );
          return row as ApiKeyRecord;
        },
      );
      request.log.info({ keyId: key.keyId, tenantId: tenant.id }, 'client key revoked');
      return key;
    },
  );
};
