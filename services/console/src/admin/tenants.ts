import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AdminDeps } from './admin-deps.ts';

export const tenantRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (_app, _deps) => {};
