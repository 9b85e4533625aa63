import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Line types a person cannot be reached on, or that cost the caller a premium. */
const NOT_CALLABLE = new Set(['PREMIUM_RATE', 'SHARED_COST', 'TOLL_FREE', 'PAGER', 'UAN', 'VOICEMAIL']);

/**
 * Why a number must not be dialled, or null when it may be. Intake already refused numbers that
 * cannot exist; here the full metadata decides whether the number is in an assigned range and is a
 * line a person answers (not premium-rate, not a pager or a voicemail access number).
 */
export function numberSuppression(e164: string): { reason: 'invalid_number'; detail: string } | null {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid())
    return { reason: 'invalid_number', detail: 'the number is not in any range assigned in its country' };
  const type = parsed.getType();
  if (type && NOT_CALLABLE.has(type))
    return {
      reason: 'invalid_number',
      detail: `the number is a ${type.toLowerCase().replace('_', '-')} line`,
    };
  return null;
}
