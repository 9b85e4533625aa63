// The filters form: read from and written to the page's address, and sent as the query of
// /manager/snapshot, /manager/stream and the CSV link.
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

interface FilterElements extends HTMLFormControlsCollection {
  range: HTMLSelectElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
  campaign: HTMLSelectElement;
  group: HTMLSelectElement;
}

export const filtersForm = document.querySelector('#filters') as HTMLFormElement;
const elements = filtersForm.elements as FilterElements;

export function loadFiltersFromUrl() {
  const params = new URLSearchParams(location.search);
  const range = params.get('from') || params.get('to') ? 'dates' : (params.get('window') ?? 'today');
  elements.range.value = range;
  elements.from.value = params.get('from') ?? '';
  elements.to.value = params.get('to') ?? '';
  for (const name of ['campaign', 'group'] as const) ensureOption(elements[name], params.get(name) ?? '');
  syncRangeInputs();
}

function ensureOption(select: HTMLSelectElement, value: string) {
  if (value && ![...select.options].some((option) => option.value === value))
    select.add(new Option(value, value));
  select.value = value;
}

export function syncRangeInputs() {
  const dates = elements.range.value === 'dates';
  elements.from.disabled = !dates;
  elements.to.disabled = !dates;
}

/** The page's filters as the query of /manager/snapshot, /manager/stream and the CSV. */
export function filterQuery() {
  const params = new URLSearchParams();
  if (elements.range.value === 'dates') {
    if (elements.from.value) params.set('from', elements.from.value);
    if (elements.to.value) params.set('to', elements.to.value);
  } else {
    params.set('window', elements.range.value);
    if (elements.range.value === 'today') params.set('tz', TIME_ZONE);
  }
  if (elements.campaign.value) params.set('campaign', elements.campaign.value);
  if (elements.group.value) params.set('group', elements.group.value);
  return params;
}

/** The campaigns or groups the figures know, keeping the chosen one even when it has no leads. */
export function fillOptions(name: 'campaign' | 'group', values: string[]) {
  const select = elements[name];
  const chosen = select.value;
  const all = new Set([...values, ...(chosen ? [chosen] : [])]);
  select.replaceChildren(new Option('All', ''), ...[...all].sort().map((value) => new Option(value, value)));
  select.value = chosen;
}

export function onRangeChange(listener: () => void) {
  elements.range.addEventListener('change', listener);
}
