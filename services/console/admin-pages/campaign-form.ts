// The campaign form: every setting of a campaign, filled from the API's campaign (or the contract's
// defaults for a new one) and read back as the whole desired state the PUT takes.
import type { Static } from 'typebox';
import type { Campaign as CampaignSchema } from '../src/admin/campaign-schemas.ts';
import { readCampaignGroups, setCampaignGroups } from './campaign-groups.ts';
import { readWeights, setWeights } from './campaign-weights.ts';
import { readWindows, setWindows } from './campaign-windows.ts';
import { listOf } from './dom.ts';
import type { Group } from './state.ts';

/** A campaign as the API answers it: every setting, defaults filled in. */
export type Campaign = Static<typeof CampaignSchema>;
export type CampaignSettings = Omit<Campaign, 'slug' | 'createdAt'>;

/** A new campaign's starting values: the API's defaults (docs/api.md, Administration). */
const NEW_CAMPAIGN: Omit<Campaign, 'createdAt' | 'retryPolicy'> & {
  retryPolicy: Partial<Campaign['retryPolicy']>;
} = {
  slug: '',
  name: '',
  slaSeconds: 300,
  slaClock: 'business_hours',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  callingWindows: [
    { days: [1, 2, 3, 4, 5], from: '08:00', to: '21:00' },
    { days: [6], from: '09:00', to: '18:00' },
  ],
  holidays: [],
  retryPolicy: {},
  offerTimeoutSeconds: 20,
  overflowThresholdSeconds: 120,
  scoringWeights: {},
  callerId: null,
  dialerProfile: {},
  agentGroups: [],
};

export const campaignForm = document.querySelector('#campaign-form') as HTMLFormElement;
const field = (name: string) => campaignForm.elements.namedItem(name) as HTMLInputElement;

// The time zones this browser knows, as suggestions (the API decides what is valid).
const zones = document.querySelector('#time-zones') as HTMLDataListElement;
const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
for (const zone of supported?.('timeZone') ?? []) {
  const option = document.createElement('option');
  option.value = zone;
  zones.append(option);
}

/** Fills the form from `campaign` (undefined: a new one, with the defaults). */
export function fillCampaignForm(campaign: Campaign | undefined, groups: Group[]) {
  const values = campaign ?? NEW_CAMPAIGN;
  field('slug').value = values.slug;
  field('slug').readOnly = campaign !== undefined;
  field('name').value = values.name;
  field('slaSeconds').value = String(values.slaSeconds);
  field('slaClock').value = values.slaClock;
  field('timeZone').value = values.timeZone;
  setWindows(values.callingWindows);
  field('holidays').value = values.holidays.join('\n');
  field('shortDelaysSeconds').value = (values.retryPolicy.shortDelaysSeconds ?? []).join(', ');
  field('cadenceSeconds').value = (values.retryPolicy.cadenceSeconds ?? []).join(', ');
  field('maxAttempts').value = String(values.retryPolicy.maxAttempts ?? '');
  field('maxAttemptsPer24h').value = String(values.retryPolicy.maxAttemptsPer24h ?? '');
  field('offerTimeoutSeconds').value = String(values.offerTimeoutSeconds);
  field('overflowThresholdSeconds').value = String(values.overflowThresholdSeconds);
  field('callerId').value = values.callerId ?? '';
  setCampaignGroups(groups, values.agentGroups);
  setWeights(values.scoringWeights);
  const profile = values.dialerProfile ?? {};
  field('dialerProfile').value = Object.keys(profile).length ? JSON.stringify(profile, null, 2) : '';
}

/** A number input's value; an empty one is left out (the API's default). */
const numberOf = (name: string) => {
  const text = field(name).value.trim();
  return text === '' ? undefined : Number(text);
};
/** "60, 120" → [60, 120]; a word that is not a number goes to the API as it is, to be named there. */
const numbersOf = (name: string) => {
  const items = listOf(field(name).value);
  if (items.length === 0) return undefined;
  return items.map((item) => (Number.isFinite(Number(item)) ? Number(item) : item));
};

/**
 * The form as CampaignSettings. What cannot be read here (the dialer profile's JSON) is returned as
 * a field error, told beside its input like the API's.
 */
export function readCampaignForm():
  | { settings: CampaignSettings; errors: [] }
  | { settings: undefined; errors: { field: string; detail: string }[] } {
  let dialerProfile: Record<string, unknown> = {};
  const profileText = field('dialerProfile').value.trim();
  if (profileText) {
    try {
      dialerProfile = JSON.parse(profileText);
    } catch {
      return { settings: undefined, errors: [{ field: 'dialerProfile', detail: 'Must be a JSON object' }] };
    }
  }
  const retryPolicy: Record<string, unknown> = {};
  for (const name of ['shortDelaysSeconds', 'cadenceSeconds']) {
    const value = numbersOf(name);
    if (value !== undefined) retryPolicy[name] = value;
  }
  for (const name of ['maxAttempts', 'maxAttemptsPer24h']) {
    const value = numberOf(name);
    if (value !== undefined) retryPolicy[name] = value;
  }
  const settings = {
    name: field('name').value.trim(),
    slaSeconds: numberOf('slaSeconds'),
    slaClock: field('slaClock').value,
    timeZone: field('timeZone').value.trim(),
    callingWindows: readWindows(),
    holidays: listOf(field('holidays').value),
    retryPolicy,
    offerTimeoutSeconds: numberOf('offerTimeoutSeconds'),
    overflowThresholdSeconds: numberOf('overflowThresholdSeconds'),
    scoringWeights: readWeights(),
    callerId: field('callerId').value.trim() || null,
    dialerProfile,
    agentGroups: readCampaignGroups(),
  };
  // Empty numbers are left out: the API's default applies.
  const defined = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return { settings: defined as unknown as CampaignSettings, errors: [] };
}

export const campaignSlug = () => field('slug').value.trim();
