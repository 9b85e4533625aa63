import { type OperatorSessionAuthenticator, ProblemError, type Sessions, sessionToken } from '@pronto/http';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The console's sessions on the admin API: a manager's or admin's session is its operator; an agent's
 * session is refused (403). A state-changing call with a session must come from one of the pages'
 * origins (browsers always send Origin on such calls), behind the SameSite=Strict cookie.
 */
export function consoleOperatorSession(options: {
  managers: Sessions;
  agents: Sessions;
  allowsOrigin: (origin: string | undefined) => boolean;
}): OperatorSessionAuthenticator {
  return async (request) => {
    const managerToken = sessionToken(options.managers.role, request);
    const session = managerToken ? await options.managers.find(managerToken) : undefined;
    if (session) {
      if (STATE_CHANGING.has(request.method)) {
        const origin = request.headers.origin;
        if (origin === undefined || !options.allowsOrigin(origin)) {
          throw new ProblemError(
            'forbidden-origin',
            'A change made with a session must come from the console page',
          );
        }
      }
      const role = session.user.role === 'admin' ? 'admin' : 'manager';
      return { role, tenantId: session.user.tenantId, actor: `${role}:${session.user.username}` };
    }
    const agentToken = sessionToken(options.agents.role, request);
    if (agentToken && (await options.agents.find(agentToken))) return 'agent';
    return undefined;
  };
}
