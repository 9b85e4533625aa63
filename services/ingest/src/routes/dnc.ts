import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DncEntry, DncEntryRequest, DncLocaleQuery, DncPhoneParams, Problem } from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import Type from 'typebox';
import { addDncEntry, findDncEntry, removeDncEntry } from '../dnc-list.ts';
import { normalizePhone } from '../normalize-phone.ts';

export interface DncRouteDeps {
  sql: Sql;
  now: () => Date;
}

/**
 * The number in E.164, or why it cannot be one. The detail speaks of `locale` as this API names it
 * (normalizePhone's own wording is for intake events, where it is person.locale).
 */
export function normalizeDncPhone(
  input: string,
  locale?: string,
): { ok: true; e164: string } | { ok: false; detail: string } {
  const result = normalizePhone(input, locale);
  return result.ok ? result : { ok: false, detail: result.detail.replace('person.locale', 'locale') };
}

function phoneOrThrow(input: string, locale: string | undefined): string {
  const result = normalizeDncPhone(input, locale);
  if (!result.ok)
    throw new ProblemError('validation-error', 'The phone in the path is not a phone number', [
      fieldError('phone', result.detail),
    ]);
  return result.e164;
}

/** For logs, which never carry a whole phone number. */
const lastDigits = (e164: string) => `...${e164.slice(-3)}`;

const common = { tags: ['do-not-call'], security: [{ signature: [] }], params: DncPhoneParams };
const problems = { 400: Problem, 401: Problem, 429: Problem, 503: Problem };

export const dncRoute: FastifyPluginAsyncTypebox<DncRouteDeps> = async (app, deps) => {
  app.put(
    '/v1/dnc/:phone',
    {
      schema: {
        ...common,
        summary: "Put a number on the tenant's do-not-call list",
        description:
          'Idempotent: 201 with the new entry, or 200 with the entry as it was already listed (its reason, source and date are kept). The body is optional.',
        // Per content type, so that a PUT without a body is not validated as one.
        body: { content: { 'application/json': { schema: DncEntryRequest } } },
        response: { 201: DncEntry, 200: DncEntry, ...problems, 409: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as DncEntryRequest;
      const phoneE164 = phoneOrThrow(request.params.phone, body.locale);
      const { entry, created } = await addDncEntry(deps.sql, {
        tenantId: request.tenantId,
        phoneE164,
        reason: body.reason ?? null,
        source: 'api',
        now: deps.now(),
      });
      if (created) request.log.info({ phone: lastDigits(phoneE164) }, 'number put on the do-not-call list');
      return reply.code(created ? 201 : 200).send(entry);
    },
  );

  app.get(
    '/v1/dnc/:phone',
    {
      schema: {
        ...common,
        summary: "Read a number's do-not-call entry",
        querystring: DncLocaleQuery,
        response: { 200: DncEntry, ...problems, 404: Problem },
      },
    },
    async (request) => {
      const phoneE164 = phoneOrThrow(request.params.phone, request.query.locale);
      const entry = await findDncEntry(deps.sql, request.tenantId, phoneE164);
      if (!entry)
        throw new ProblemError('not-found', `${phoneE164} is not on this tenant's do-not-call list`);
      return entry;
    },
  );

  app.delete(
    '/v1/dnc/:phone',
    {
      schema: {
        ...common,
        summary: "Take a number off the tenant's do-not-call list",
        querystring: DncLocaleQuery,
        response: { 204: Type.Null({ description: 'Removed.' }), ...problems, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const phoneE164 = phoneOrThrow(request.params.phone, request.query.locale);
      if (!(await removeDncEntry(deps.sql, request.tenantId, phoneE164)))
        throw new ProblemError('not-found', `${phoneE164} is not on this tenant's do-not-call list`);
      request.log.info({ phone: lastDigits(phoneE164) }, 'number taken off the do-not-call list');
      return reply.code(204).send(null);
    },
  );
};
