import type { FastifyPluginAsync } from 'fastify';
import { PROBLEM_TYPES, type ProblemType } from './problems.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** Each problem `type` of the signed API is a URL that explains itself (RFC 9457 §3.1.1). */
export const problemPagesRoute: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { slug: string } }>(
    '/problems/:slug',
    { schema: { hide: true } },
    async (request, reply) => {
      const kind: ProblemType | undefined = Object.hasOwn(PROBLEM_TYPES, request.params.slug)
        ? PROBLEM_TYPES[request.params.slug as keyof typeof PROBLEM_TYPES]
        : undefined;
      if (!kind?.help) return reply.code(404).type('text/plain').send('unknown problem type');
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><meta charset="utf-8"><title>${escapeHtml(kind.title)}</title><h1>${kind.status} ${escapeHtml(kind.title)}</h1><p>${escapeHtml(kind.help)}</p><p><a href="/docs">API documentation</a></p>`,
        );
    },
  );
};
