import Format from 'typebox/format';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const FIRST = Date.parse('0001-01-01T00:00:00Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/** What a date-time field takes, for the answer to a client who sent another. */
export const DATE_TIME_RULE =
  'must be an RFC 3339 date-time from year 0001 to 9999 with a UTC offset within ±14:00 and no leap second (e.g. 2026-03-02T10:15:00+01:00)';

/**
 * An RFC 3339 date-time that PostgreSQL's timestamptz and JavaScript's Date both take as the same
 * instant. RFC 3339's own grammar is wider: it lets through year 0000 and offsets up to ±23:59 (the
 * database refuses both), a leap second (Date cannot hold one) and a bracketed zone suffix.
 */
export function isStorableDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match || !Format.IsDateTime(value)) return false;
  const [hours, minutes] = [Number(match[8] ?? 0), Number(match[9] ?? 0)];
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return false;
  const at = Date.parse(value);
  return Number.isFinite(at) && at >= FIRST && at <= LAST && Number(match[1]) >= 1;
}

// Every schema's `format: 'date-time'` (events, reports' periods, messages) is checked this way.
Format.Set('date-time', isStorableDateTime);
