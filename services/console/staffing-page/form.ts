// The page's form: the day (campaign, date) and the what-if (arrival multiplier, target, handle time),
// read into the query of /v1/staffing, kept in the page's address, and the API's refusals shown
// beside the inputs they name.
import { clearErrors as clearFormErrors, showProblem as showFormProblem } from '@pronto/pages/browser';
import type { FieldError, Problem } from './api.ts';

interface FormElements extends HTMLFormControlsCollection {
  campaign: HTMLSelectElement;
  date: HTMLInputElement;
  arrivalMultiplier: HTMLInputElement;
  target: HTMLInputElement;
  handleSeconds: HTMLInputElement;
}

export const staffingForm = document.querySelector('#staffing-form') as HTMLFormElement;
const elements = staffingForm.elements as FormElements;

/** The what-if inputs: empty means "as the forecast and the campaign have it". */
const WHAT_IF = ['arrivalMultiplier', 'target', 'handleSeconds'] as const;

/** The campaigns to pick from; the one in the address (or the first) is chosen. */
export function fillCampaigns(campaigns: readonly string[], chosen: string | null) {
  const all = [...new Set([...campaigns, ...(chosen ? [chosen] : [])])].sort();
  elements.campaign.replaceChildren(...all.map((slug) => new Option(slug, slug)));
  elements.campaign.value = chosen && all.includes(chosen) ? chosen : (all[0] ?? '');
}

/** The form's values from the page's address (a reload, a shared link). */
export function loadFormFromUrl(params: URLSearchParams) {
  elements.date.value = params.get('date') ?? '';
  elements.arrivalMultiplier.value = params.get('arrivalMultiplier') ?? '';
  const target = params.get('target');
  elements.target.value =
    target === null || target === '' ? '' : String(Number((Number(target) * 100).toFixed(4)));
  elements.handleSeconds.value = params.get('handleSeconds') ?? '';
}

/** Whether any what-if input holds something (a multiplier of 1 changes nothing). */
export function isWhatIf(): boolean {
  const multiplier = elements.arrivalMultiplier.value.trim();
  return (
    (multiplier !== '' && Number(multiplier) !== 1) ||
    elements.target.value.trim() !== '' ||
    elements.handleSeconds.value.trim() !== ''
  );
}

/**
 * The query of /v1/staffing. The target is typed in percent and sent as a share; what the API
 * refuses (a target of 150 %) comes back as its field error, shown beside the input.
 */
export function staffingQuery(): URLSearchParams {
  const params = new URLSearchParams();
  if (elements.campaign.value) params.set('campaign', elements.campaign.value);
  if (elements.date.value) params.set('date', elements.date.value);
  const multiplier = elements.arrivalMultiplier.value.trim();
  if (multiplier !== '') params.set('arrivalMultiplier', multiplier);
  const target = elements.target.value.trim();
  if (target !== '') params.set('target', String(Number(target) / 100));
  const handle = elements.handleSeconds.value.trim();
  if (handle !== '') params.set('handleSeconds', handle);
  return params;
}

/** The date the API answered for (today in the campaign's zone when none was asked). */
export function showAnsweredDate(date: string) {
  if (!elements.date.value) elements.date.value = date;
}

/** Empties the what-if inputs (the day stays). */
export function resetWhatIf() {
  for (const name of WHAT_IF) elements[name].value = '';
  clearErrors();
}

export function setBusy(busy: boolean) {
  for (const button of staffingForm.querySelectorAll('button')) button.disabled = busy;
}

export function clearErrors() {
  clearFormErrors(staffingForm);
}

/** A refusal shown on the form: each field error beside its input, the rest in the form's error line. */
export function showProblem(problem: Problem) {
  const errors = problem.errors?.map((error) => ({ ...error, detail: inPageUnits(error) }));
  showFormProblem(staffingForm, { ...problem, ...(errors ? { errors } : {}) });
}

/**
 * A field error in the units the form uses: the API takes the target as a share (0.9) and would
 * quote the share it got, where the manager typed a percentage (90).
 */
function inPageUnits(error: FieldError): string {
  if (error.field !== 'target') return error.detail;
  return `must be more than 0 % and less than 100 % (got ${elements.target.value.trim()} %)`;
}
