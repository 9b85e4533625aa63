import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * What a phone number may be written with: digits, spaces, dashes, dots and parentheses, and one
 * leading +. libphonenumber alone would find a number inside any text ("+48 601 234 567 ; drop",
 * "... ext 5") and take it as the same person: anything else is refused instead.
 */
const PHONE_TEXT = /^\s*\+?[\d\s().-]+$/;

/**
 * The phone number in E.164, or why it cannot be one. A number without a leading + is read in the
 * region of the person's locale (pl-PL -> Poland), the way the person typed it on the client's site.
 */
export function normalizePhone(
  input: string,
  locale?: string,
): { ok: true; e164: string } | { ok: false; detail: string } {
  if (!PHONE_TEXT.test(input) || !/\d/.test(input)) {
    return {
      ok: false,
      detail:
        'is not a phone number: write only digits, spaces, dashes, dots, parentheses and a leading + (no extension or other text)',
    };
  }
  const region = locale?.split('-')[1]?.toUpperCase();
  const defaultCountry = region && /^[A-Z]{2}$/.test(region) ? (region as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(input, defaultCountry ? { defaultCountry } : undefined);
  if (!parsed) {
    return {
      ok: false,
      detail: defaultCountry
        ? `is not a phone number that can exist in ${defaultCountry} or internationally`
        : 'is not a phone number; write it internationally (+48 601 234 567) or give person.locale',
    };
  }
  if (!parsed.isPossible())
    return {
      ok: false,
      detail: `cannot exist: wrong length for ${parsed.country ?? `+${parsed.countryCallingCode}`}`,
    };
  return { ok: true, e164: parsed.number };
}
