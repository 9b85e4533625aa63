import { randomBytes } from 'node:crypto';
import { INTENT_EVENT_EXAMPLE, type IntentEvent } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createSecretBox, createTenant, issueApiKey, type SecretBox } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type IngestDeps } from '../app.ts';

export interface Harness {
  app: FastifyInstance;
  db: Database;
  box: SecretBox;
  tenantId: string;
  keyId: string;
  secret: string;
  /** The fake clock, in ms; move it to test time windows. */
  clock: { ms: number };
  send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    options?: {
      secret?: string;
      keyId?: string;
      timestampSkew?: number;
      headers?: Record<string, string>;
      signPath?: string;
      rawBody?: string;
    },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const START = Date.UTC(2026, 2, 29, 0, 30, 0); // the night Warsaw springs forward

/**
 * A real intake app on a database other tests set up (another service's keys, a second instance):
 * what checks a client's key, with the given sealing box and clock.
 */
export function startIntakeApp(deps: { db: Database; secretBox: SecretBox; now: () => Date }) {
  return buildApp({
    ...deps,
    logger: createLogger({ name: 'ingest-test', level: 'silent' }),
    usedSignatureSweepMs: 0,
  });
}

/** A real intake app on a fresh database with one tenant (slug acme), campaign cash-loan and key acme-key. */
export async function startHarness(
  options: { db?: Database; deps?: Partial<IngestDeps>; rateLimitPerSecond?: number } = {},
): Promise<Harness> {
  const db = options.db ?? (await openTestDatabase());
  const box = createSecretBox(randomBytes(32));
  const clock = { ms: START };
  const tenant = await createTenant(db.prisma, {
    slug: 'acme',
    name: 'Acme Bank',
    rateLimitPerSecond: options.rateLimitPerSecond ?? 10_000,
    rateLimitBurst: options.rateLimitPerSecond ?? 10_000,
  });
  await createCampaign(db.prisma, {
    tenantId: tenant.id,
    slug: 'cash-loan',
    name: 'Cash loan',
    timeZone: 'Europe/Warsaw',
  });
  const { keyId, secret } = await issueApiKey(db.prisma, box, { tenantId: tenant.id, keyId: 'acme-key' });
  const app = await buildApp({
    db,
    secretBox: box,
    logger: createLogger({ name: 'ingest-test', level: 'silent' }),
    now: () => new Date(clock.ms),
    ...options.deps,
  });
  const harness: Harness = {
    app,
    db,
    box,
    tenantId: tenant.id,
    keyId,
    secret,
    clock,
    async send(method, path, body, o = {}) {
      const payload = o.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
      const timestamp = Math.floor(clock.ms / 1000) + (o.timestampSkew ?? 0);
      const headers = signatureHeaders(o.keyId ?? harness.keyId, o.secret ?? harness.secret, {
        timestamp,
        method,
        pathWithQuery: o.signPath ?? path,
        body: payload,
      });
      return app.inject({
        method,
        url: path,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers, ...o.headers },
        ...(payload ? { payload } : {}),
      });
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
  return harness;
}

let counter = 0;

/** The design's example event, with a fresh eventId and the given changes. */
export function exampleEvent(overrides: Record<string, unknown> = {}): IntentEvent {
  counter += 1;
  const base: IntentEvent = {
    ...INTENT_EVENT_EXAMPLE,
    eventId: `evt_${Date.now().toString(36)}_${counter}`,
    occurredAt: new Date(START - 5_000).toISOString(),
    consent: { ...INTENT_EVENT_EXAMPLE.consent, capturedAt: new Date(START - 9_000).toISOString() },
  };
  // Overrides may be invalid on purpose (tests of 400 answers); the result is typed as the valid shape.
  return { ...base, ...overrides } as IntentEvent;
}

/** A Polish mobile number unique to `n`. */
export const phoneFor = (n: number) => `+48 6${String(n).padStart(8, '0')}`;
