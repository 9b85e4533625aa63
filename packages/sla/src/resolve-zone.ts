import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface ResolvedZone {
  zone: string;
  source: 'event' | 'phone' | 'campaign';
  /** Why the campaign's zone was used although the phone told a country; goes into the lead's history. */
  note?: string;
}

/**
 * The zone that decides the lead's calling windows: the one the event gave, else the only zone of
 * the phone number's country, else the campaign's. A country with several zones (the US, Australia)
 * cannot tell which, so the campaign's zone is used and the note says so.
 */
export function resolveZone(input: {
  eventZone?: string | null;
  phoneE164: string;
  campaignZone: string;
}): ResolvedZone {
  if (input.eventZone) return { zone: input.eventZone, source: 'event' };
  const country = parsePhoneNumberFromString(input.phoneE164)?.country;
  if (!country)
    return { zone: input.campaignZone, source: 'campaign', note: 'the phone number names no country' };
  const zones = getCountry(country)?.timezones ?? [];
  if (zones.length === 1 && zones[0]) return { zone: zones[0], source: 'phone' };
  return {
    zone: input.campaignZone,
    source: 'campaign',
    note: `${country} has ${zones.length} time zones; the phone number does not tell which, so the campaign's zone is used`,
  };
}
