// The dashboard's words and numbers: labels for the report's codes, shares, seconds and problems.
import { AGENT_STATE_LABELS, byTestId } from '@pronto/pages/browser';
import type { DashboardSnapshot } from '../src/dashboard-snapshot.ts';

export type BreachReason = keyof DashboardSnapshot['figures']['breachReasons'];

export const REASON_LABELS: Record<BreachReason, string> = {
  no_agent_available: 'No agent available',
  no_answer_all_attempts: 'No answer on any attempt',
  outside_window: 'Outside the calling window',
  agent_missed_offer: 'Agent missed the offer',
  dialer_error: 'Dialer error',
};

export const STATE_LABELS: Record<string, string> = AGENT_STATE_LABELS;

/** Why paused agents are paused, in a manager's words. */
export const PAUSE_LABELS: Record<string, string> = {
  missed_offers: 'missed two leads in a row',
  break: 'break',
  lunch: 'lunch',
  training: 'training',
  meeting: 'meeting',
  other: 'other',
};

/** A reason's label, or the code itself when this page does not know it. */
export const reasonLabel = (reason: string) => REASON_LABELS[reason as BreachReason] ?? reason;

/** A share as a percentage with one decimal ("92.9 %"); a dash when nothing is eligible. */
export const percent = (share: number | null | undefined) =>
  share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)} %`;
export const seconds = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${Math.round(value)} s`;

/** The element's text, and its machine-readable value in `data-value` when given (tests read it). */
export function setText(testId: string, text: string | number, value?: string | number | null) {
  const element = byTestId(testId);
  element.textContent = String(text);
  if (value !== undefined) element.dataset.value = value === null ? '' : String(value);
}

/** A problem+json answer in one line: its detail (or title) and the fields it names. */
export async function problemDetail(response: Response) {
  try {
    const problem = (await response.json()) as {
      detail?: string;
      title?: string;
      errors?: { field: string; detail: string }[];
    };
    const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.detail}`).join('; ');
    return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}
