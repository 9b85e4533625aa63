import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LeadView, Problem } from '@pronto/contracts';
import type { PrismaClient } from '@pronto/db';
import { ProblemError } from '@pronto/http';
import Type from 'typebox';
import { readLead } from '../read-lead.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const getLeadRoute: FastifyPluginAsyncTypebox<{ prisma: PrismaClient; now: () => Date }> = async (
  app,
  deps,
) => {
  app.get(
    '/v1/leads/:leadId',
    {
      schema: {
        summary: "Read a lead's state, SLA, attempts and history",
        tags: ['leads'],
        security: [{ signature: [] }],
        params: Type.Object({ leadId: Type.String({ description: 'The leadId from the 202 answer.' }) }),
        response: { 200: LeadView, 401: Problem, 404: Problem, 429: Problem, 503: Problem },
      },
    },
    async (request) => {
      const { leadId } = request.params;
      const lead = UUID.test(leadId)
        ? await readLead(deps.prisma, request.tenantId, leadId, deps.now())
        : null;
      if (!lead) throw new ProblemError('not-found', `No lead ${leadId} for this tenant`);
      return lead;
    },
  );
};
