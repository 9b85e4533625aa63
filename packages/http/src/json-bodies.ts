import type { FastifyInstance } from 'fastify';
import { fieldError, ProblemError } from './problems.ts';

/**
 * The signed API's bodies: only application/json is taken (every other type, fastify's own
 * text/plain included, is a 415), and kept as bytes, because the signature covers them exactly;
 * the authenticator parses them (parseJsonBody) once the signature checks out.
 */
export function keepJsonBytes(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
}

/**
 * Signed JSON bytes as a value, or a 400 invalid-json problem. Its detail gives the position only:
 * JSON.parse's message quotes the body around the fault, which may be an unquoted password.
 */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new ProblemError(
      'invalid-json',
      position === undefined
        ? 'Send one JSON document, UTF-8 encoded'
        : `Not valid JSON at position ${position}`,
      [fieldError('', 'is not valid JSON')],
    );
  }
}

/**
 * A browser surface's bodies (sign-in and the like): JSON parsed in this scope, whatever the app
 * around does (the signed API keeps raw bytes); an empty body is no body, one that is not JSON is a
 * 400 problem, and any other content type a 415.
 */
export function acceptJsonBodies(scope: FastifyInstance) {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new ProblemError('invalid-json', 'Send one JSON document, UTF-8 encoded'), undefined);
    }
  });
}
