// The campaign form's scoring weights: one number per factor of the lead score (services/scoring's
// ScoringWeights); an empty input keeps the default.
import { el } from './dom.ts';

const FACTORS: [name: string, label: string][] = [
  ['eligibility.pre_approved', 'Pre-approved'],
  ['eligibility.approved', 'Approved'],
  ['eligibility.checked', 'Eligibility checked'],
  ['amountPoints', 'Amount: points'],
  ['amountForFullPoints', 'Amount for full points'],
  ['pointsPerVisit', 'Points per visit'],
  ['maxVisitPoints', 'Visits: most points'],
  ['pointsPerMinuteOnPage', 'Points per minute on the page'],
  ['maxPagePoints', 'Time on page: most points'],
  ['pointsPerRepeatIntent', 'Points per repeat intent'],
  ['maxRepeatPoints', 'Repeats: most points'],
  ['workdayHourPoints', 'Working-day hour points'],
  ['eveningHourPoints', 'Evening hour points'],
];

const box = document.querySelector('#weights') as HTMLElement;
box.replaceChildren(
  ...FACTORS.map(([name, label]) =>
    el(
      'div',
      {},
      el(
        'label',
        {},
        label,
        el('input', {
          type: 'number',
          step: 'any',
          name: `w:${name}`,
          'data-field': `scoringWeights.${name}`,
        }),
      ),
      el('span', { class: 'field-error', 'data-error-for': `scoringWeights.${name}` }),
    ),
  ),
);

const input = (name: string) => box.querySelector(`input[name="w:${name}"]`) as HTMLInputElement;

/** Fills the inputs from a campaign's weights (nested `eligibility` included). */
export function setWeights(weights: Record<string, unknown> | undefined) {
  for (const [name] of FACTORS) {
    const [outer, inner] = name.split('.') as [string, string | undefined];
    const value = inner
      ? (weights?.[outer] as Record<string, unknown> | undefined)?.[inner]
      : weights?.[outer];
    input(name).value = typeof value === 'number' ? String(value) : '';
  }
}

/** The filled-in weights, as the API takes them. */
export function readWeights(): Record<string, unknown> {
  const weights: Record<string, unknown> = {};
  for (const [name] of FACTORS) {
    const text = input(name).value.trim();
    if (text === '') continue;
    const [outer, inner] = name.split('.') as [string, string | undefined];
    if (inner) weights[outer] = { ...((weights[outer] as object | undefined) ?? {}), [inner]: Number(text) };
    else weights[outer] = Number(text);
  }
  return weights;
}
