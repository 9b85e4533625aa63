// The staffing advisor as the page calls it: same-origin GET /v1/staffing with the manager's session
// cookie; an answer is the figures, a refusal the problem+json it carries (field errors included).
import { type Problem, problemOf, UNREACHABLE } from '@pronto/pages/browser';
import type { StaffingAnswer } from './answer.ts';

export type { FieldError, Problem } from '@pronto/pages/browser';
export { problemText } from '@pronto/pages/browser';

export type Answer = { ok: true; data: StaffingAnswer } | { ok: false; problem: Problem };

export async function fetchStaffing(query: URLSearchParams): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`/v1/staffing?${query}`, { credentials: 'same-origin' });
  } catch {
    return { ok: false, problem: UNREACHABLE };
  }
  if (response.ok) return { ok: true, data: (await response.json()) as StaffingAnswer };
  return { ok: false, problem: await problemOf(response) };
}

/** The tenant's campaigns, as the dashboard lists them (its snapshot names them all); null when signed out. */
export async function fetchCampaigns(): Promise<string[] | null> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const response = await fetch(`/manager/snapshot?window=today&tz=${encodeURIComponent(zone)}`);
  if (response.status === 401) return null;
  if (!response.ok) return [];
  return ((await response.json()) as { campaigns?: string[] }).campaigns ?? [];
}
