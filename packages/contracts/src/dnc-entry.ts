import Type, { type Static } from 'typebox';

/** Where an entry came from: the API, a CSV import, or an agent's do_not_call disposition. */
export const DncSource = Type.Enum(['api', 'csv-import', 'agent'], {
  description: 'api: PUT /v1/dnc/{phone}; csv-import: POST /v1/dnc:import; agent: a do_not_call disposition.',
});
export type DncSource = Static<typeof DncSource>;

/** Locales as the intake API takes them (person.locale): the region reads a national number. */
export const DncLocale = Type.String({
  pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$',
  maxLength: 35,
  description: 'BCP 47, e.g. pl-PL: a number without a leading + is read in its region.',
});

export const DNC_REASON_MAX_LENGTH = 500;

export const DncPhoneParams = Type.Object({
  phone: Type.String({
    minLength: 1,
    maxLength: 64,
    description:
      'The number, URL-encoded, in any format a person writes it (%2B48%20601%20234%20567); without a leading + it is read in the region of `locale`.',
  }),
});
export type DncPhoneParams = Static<typeof DncPhoneParams>;

/** For GET and DELETE, whose national numbers have no body to carry a locale. */
export const DncLocaleQuery = Type.Object(
  { locale: Type.Optional(DncLocale) },
  { additionalProperties: false },
);
export type DncLocaleQuery = Static<typeof DncLocaleQuery>;

/** The optional body of PUT /v1/dnc/{phone}. */
export const DncEntryRequest = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        maxLength: DNC_REASON_MAX_LENGTH,
        description: 'Why, for the people who read the list.',
      }),
    ),
    locale: Type.Optional(DncLocale),
  },
  { additionalProperties: false },
);
export type DncEntryRequest = Static<typeof DncEntryRequest>;

/** One number on a tenant's do-not-call list. */
export const DncEntry = Type.Object({
  phone: Type.String({ description: 'E.164, e.g. +48601234567.' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  source: DncSource,
  createdAt: Type.String({ format: 'date-time', description: 'When the number was first listed.' }),
});
export type DncEntry = Static<typeof DncEntry>;
