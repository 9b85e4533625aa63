// The mutations of the intake fuzz test (fuzz.int.test.ts): each makes a body that a hostile or
// broken client could send, from a valid event.

type Random = () => number;

const LEAVES = [
  'eventId',
  'type',
  'occurredAt',
  'campaign',
  'person.phone',
  'person.name',
  'person.locale',
  'person.timeZone',
  'person.customerId',
  'consent.phoneContact',
  'consent.capturedAt',
  'consent.source',
  'offer.product',
  'offer.amount',
  'offer.currency',
  'offer.termMonths',
  'offer.eligibility',
  'context.pageUrl',
  'context.visits',
  'context.secondsOnPage',
  'context.utmSource',
];
const CONTAINERS = ['', 'person', 'consent', 'offer', 'context'];
const ODD_DATES = [
  '0000-01-01T00:00:00Z',
  '2026-01-01T00:00:00+23:59',
  '2026-01-01T00:00:00-23:59',
  '9999-12-31T23:59:60Z',
  '9999-12-31T23:59:59.999999999-14:00',
  '0001-01-01T00:00:00+14:00',
  '2026-02-29T00:00:00Z',
  '2026-03-29T02:30:00+01:00',
  '+002026-01-01T00:00:00Z',
  '2026-01-01T00:00:00Z[Europe/Warsaw]',
  '2026-01-01t00:00:00z',
  '2026-01-01T24:00:00Z',
  '1970-01-01T00:00:00.0000000001Z',
];
const ODD_ZONES = [
  'US/Pacific-New',
  'Factory',
  'posix/Europe/Warsaw',
  'localtime',
  'EST5EDT',
  'Etc/GMT+14',
  'Etc/GMT-15',
  'europe/warsaw',
  '../../etc/passwd',
  '',
  'Europe/Kyiv',
  'America/Ciudad_Juarez',
  'UTC\u0000',
];
const ODD_PHONES = [
  '+48 601 234 567 ; drop',
  '+48 601 234 567 ext 5',
  '+48 601 234 567#5',
  'tel:+48601234567',
  '+48 601 234 567\u0000',
  '+٤٨٦٠١٢٣٤٥٦٧',
  '+48 601 234 567 890 123 456',
  '((((((((((((((((',
  '+',
  '0048 601 234 567',
  '+1 (202) 555-0143',
];
const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'ключ',
  '😀',
  '\u202eevil',
  'a.b',
  'a/b',
  '~0',
  '\ud800',
  '\u0000',
  '',
];
const WRONG_TYPES = ['0', '-1', '1.5', 'true', 'false', 'null', '[]', '{}', '[1,2]', '{"a":1}', '""'];
const ODD_NUMBERS = ['1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0', '0.1e1'];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const nest = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** A string with a character the database cannot store, or one that is merely unusual. */
function oddString(random: Random): string {
  const base = 'Jan Kowalski';
  const at = Math.floor(random() * base.length);
  const insert = pick(random, ['\u0000', '\ud83d', '\ude00', '\ud83d\ude00', '\u2028', '\ufeff', '\uffff']);
  return base.slice(0, at) + insert + base.slice(at);
}

/**
 * A valid event's JSON text with a raw JSON token put at `path` (a leaf replaced, or a key added to a
 * container), so numbers like 1e309 and duplicate or prototype keys reach the parser as sent.
 */
function withRaw(event: Record<string, unknown>, path: string, raw: string, addKey?: string): string {
  const marker = '@@raw-token@@';
  const copy = structuredClone(event) as Record<string, unknown>;
  const parts = path ? path.split('.') : [];
  let target = copy;
  for (const part of addKey === undefined ? parts.slice(0, -1) : parts) {
    target[part] ??= {};
    target = target[part] as Record<string, unknown>;
  }
  if (addKey === undefined) target[parts[parts.length - 1] as string] = marker;
  else target.__raw_key__ = marker;
  let text = JSON.stringify(copy).replace(`"${marker}"`, () => raw);
  if (addKey !== undefined) text = text.replace('"__raw_key__"', () => JSON.stringify(addKey));
  return text;
}

/** An event's text, mutated one way chosen by `random`; valid about one time in four. */
export function hostileEventText(random: Random, valid: () => Record<string, unknown>): [string, string] {
  const event = valid();
  const leaf = pick(random, LEAVES);
  const kind = Math.floor(random() * 16);
  switch (kind) {
    case 0:
      return [withRaw(event, leaf, JSON.stringify(oddString(random))), `odd string at ${leaf}`];
    case 1:
      return [withRaw(event, leaf, JSON.stringify('x'.repeat(pick(random, [129, 2049, 70_000])))), 'huge'];
    case 2:
      return [withRaw(event, leaf, pick(random, WRONG_TYPES)), `wrong type at ${leaf}`];
    case 3:
      return [
        withRaw(event, pick(random, ['offer.amount', 'context.visits', leaf]), pick(random, ODD_NUMBERS)),
        'number',
      ];
    case 4:
      return [
        withRaw(
          event,
          pick(random, ['occurredAt', 'consent.capturedAt']),
          JSON.stringify(pick(random, ODD_DATES)),
        ),
        'date',
      ];
    case 5:
      return [withRaw(event, 'person.timeZone', JSON.stringify(pick(random, ODD_ZONES))), 'zone'];
    case 6:
      return [withRaw(event, 'person.phone', JSON.stringify(pick(random, ODD_PHONES))), 'phone'];
    case 7:
      return [
        withRaw(event, pick(random, ['context.deep', leaf]), nest(pick(random, [40, 1_000, 100_000]))),
        'deep',
      ];
    case 8:
      return [
        withRaw(event, pick(random, CONTAINERS), '"dup"', pick(random, ['eventId', 'person', 'type'])),
        'duplicate key',
      ];
    case 9: {
      const key = pick(random, ODD_KEYS);
      return [
        withRaw(event, pick(random, CONTAINERS), pick(random, ['{"polluted":true}', '"x"', '1']), key),
        `key ${JSON.stringify(key)}`,
      ];
    }
    case 10: {
      const copy = structuredClone(event) as Record<string, Record<string, unknown>>;
      const [head, tail] = leaf.split('.');
      if (tail && copy[head as string]) delete copy[head as string]?.[tail];
      else delete (copy as Record<string, unknown>)[head as string];
      return [JSON.stringify(copy), `without ${leaf}`];
    }
    case 11:
      return [
        withRaw(event, 'context', pick(random, ['[]', `[${'1,'.repeat(5_000)}1]`, '{"list":[]}'])),
        'arrays',
      ];
    default:
      return [JSON.stringify(event), 'valid'];
  }
}

/** Invalid UTF-8 put inside a string of an otherwise valid body: the signature covers the bytes. */
export function withInvalidUtf8(random: Random, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf('Jan');
  const bad = pick(random, [
    [0xff],
    [0xc0, 0xaf],
    [0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
  ]);
  return Buffer.concat([bytes.subarray(0, at + 1), Buffer.from(bad), bytes.subarray(at + 1)]);
}

const ODD_BODIES = ['', 'null', '[]', '"x"', '1', '{', '{"eventId":', '\ufeff{}', '{} {}', nest(100_000)];

export { ODD_BODIES as oddBodies, ODD_PHONES, oddString, pick };
