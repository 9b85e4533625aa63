// The agent's session over HTTP (docs/agent-protocol.md "Signing in"): the cookie is the session.
import type { DesktopAgent } from './protocol.ts';

/** The problem+json answer's words for the agent, or `fallback` when the body is not one. */
export async function readProblem(response: Response, fallback: string): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: string; title?: string };
    return problem.detail || problem.title || fallback;
  } catch {
    return fallback;
  }
}

/** The signed-in agent, or null when the cookie holds no live session. */
export async function fetchSession(): Promise<DesktopAgent | null> {
  const response = await fetch('/agent/session', { headers: { accept: 'application/json' } });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(await readProblem(response, `The server answered ${response.status}.`));
  return ((await response.json()) as { agent: DesktopAgent }).agent;
}

/** Signs in: the agent, or the refusal's response. */
export async function postSession(username: string, password: string) {
  const response = await fetch('/agent/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) return { ok: false as const, response };
  return { ok: true as const, agent: ((await response.json()) as { agent: DesktopAgent }).agent };
}

export async function deleteSession() {
  await fetch('/agent/session', { method: 'DELETE' });
}
