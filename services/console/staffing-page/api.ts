// The staffing advisor as the page calls it: same-origin GET /v1/staffing with the manager's session
// cookie; an answer is the figures, a refusal the problem+json it carries (field errors included).
import type { StaffingAnswer } from './answer.ts';

/** One bad field of a problem: `field` as the API names it (older answers say `name`). */
export interface FieldError {
  field: string;
  detail: string;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

export type Answer = { ok: true; data: StaffingAnswer } | { ok: false; problem: Problem };

interface RawFieldError {
  field?: string;
  name?: string;
  pointer?: string;
  detail?: string;
  message?: string;
}

/** The field errors of a problem in one shape, whichever key names the field. */
function fieldErrors(errors: RawFieldError[] | undefined): FieldError[] {
  return (errors ?? []).map((error) => ({
    field: error.field ?? error.name ?? error.pointer?.replace(/^\//, '').replaceAll('/', '.') ?? '',
    detail: error.detail ?? error.message ?? 'is not valid',
  }));
}

export async function fetchStaffing(query: URLSearchParams): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`/v1/staffing?${query}`, { credentials: 'same-origin' });
  } catch {
    return { ok: false, problem: { status: 0, title: 'Pronto could not be reached; try again' } };
  }
  if (response.ok) return { ok: true, data: (await response.json()) as StaffingAnswer };
  let problem: Problem = { status: response.status, title: `${response.status} ${response.statusText}` };
  try {
    const body = (await response.json()) as Omit<Problem, 'errors'> & { errors?: RawFieldError[] };
    problem = { ...body, status: response.status, errors: fieldErrors(body.errors) };
  } catch {}
  return { ok: false, problem };
}

/** The tenant's campaigns, as the dashboard lists them (its snapshot names them all); null when signed out. */
export async function fetchCampaigns(): Promise<string[] | null> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const response = await fetch(`/manager/snapshot?window=today&tz=${encodeURIComponent(zone)}`);
  if (response.status === 401) return null;
  if (!response.ok) return [];
  return ((await response.json()) as { campaigns?: string[] }).campaigns ?? [];
}

/** A problem in one line, for a place that has no inputs to point at. */
export function problemText(problem: Problem): string {
  const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.detail}`).join('; ');
  return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
}
