import { randomBytes } from 'node:crypto';
import type { HttpOptions } from '@pronto/config';
import type { Database } from '@pronto/db';
import { signatureHeaders } from '@pronto/signature';
import { createLogger, type Logger } from '@pronto/telemetry';
import { createSecretBox, createTenant, issueOperatorKey, type SecretBox } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildConsoleApp } from '../build-console-app.ts';

/** An operator key a test signs with. */
export interface TestOperatorKey {
  keyId: string;
  secret: string;
}

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AdminHarness {
  app: FastifyInstance;
  db: Database;
  box: SecretBox;
  /** The fake clock, in ms; move it to test grace periods. */
  clock: { ms: number };
  /** The installation's admin key. */
  admin: TestOperatorKey;
  /** Tenant `acme` and its manager key; tenant `globex` and its manager key. */
  acme: { id: string; key: TestOperatorKey };
  globex: { id: string; key: TestOperatorKey };
  /** A signed admin API call (default: the admin key); each call signs anew with the clock's time. */
  call(
    method: AdminMethod,
    path: string,
    body?: unknown,
    options?: { key?: TestOperatorKey; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Sunday 29 March 2026, 00:30 UTC: the night Warsaw springs forward. */
export const ADMIN_START = Date.UTC(2026, 2, 29, 0, 30, 0);

/**
 * The console's app (the admin API on it) on a fresh database, with an admin key and two tenants
 * (acme, globex), each with a manager key. The clock is fake.
 */
export async function startAdminHarness(
  options: {
    db?: Database;
    box?: SecretBox;
    /** A logger whose lines a test reads (default: silent). */
    logger?: Logger;
    /** PRONTO_PUBLIC_ORIGINS and the like: which origins a console session's change may come from. */
    http?: Partial<HttpOptions>;
  } = {},
): Promise<AdminHarness> {
  const db = options.db ?? (await openTestDatabase());
  const box = options.box ?? createSecretBox(randomBytes(32));
  const clock = { ms: ADMIN_START };
  const admin = await issueOperatorKey(db.sql, box, { role: 'admin', tenantId: null, name: 'test admin' });
  const tenant = async (slug: string, name: string) => {
    const row = await createTenant(db.prisma, { slug, name });
    const key = await issueOperatorKey(db.sql, box, {
      role: 'manager',
      tenantId: row.id,
      name: `${slug} manager`,
    });
    return { id: row.id, key };
  };
  const acme = await tenant('acme', 'Acme Bank');
  const globex = await tenant('globex', 'Globex Insurance');
  const app = await buildConsoleApp({
    db,
    secretBox: box,
    logger: options.logger ?? createLogger({ name: 'admin-test', level: 'silent' }),
    http: options.http,
    now: () => new Date(clock.ms),
    usedSignatureSweepMs: 0,
  });
  return {
    app,
    db,
    box,
    clock,
    admin,
    acme,
    globex,
    call: (method, path, body, o = {}) =>
      signedCall(app, clock, o.key ?? admin, method, path, body, o.headers),
    async close() {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}

/** One signed call to `app`'s admin API with `key`, timestamped by `clock`. */
export function signedCall(
  app: FastifyInstance,
  clock: { ms: number },
  key: TestOperatorKey,
  method: AdminMethod,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const signed = signatureHeaders(key.keyId, key.secret, {
    timestamp: Math.floor(clock.ms / 1000),
    method,
    pathWithQuery: path,
    body: payload,
  });
  return app.inject({
    method,
    url: path,
    headers: { ...signed, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(payload ? { payload } : {}),
  });
}
