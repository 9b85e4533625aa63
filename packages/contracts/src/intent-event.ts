import Type, { type Static } from 'typebox';
import { INTENT_EVENT_EXAMPLE } from './intent-event-example.ts';

const IsoDateTime = (description: string) => Type.String({ format: 'date-time', description });

export const Person = Type.Object(
  {
    phone: Type.String({
      minLength: 3,
      maxLength: 32,
      description:
        'Phone number, ideally international (+48 601 234 567); without a leading + it is read in the region of `locale`.',
    }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    locale: Type.Optional(
      Type.String({
        pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$',
        maxLength: 35,
        description: 'BCP 47, e.g. pl-PL',
      }),
    ),
    timeZone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA zone of the person, e.g. Europe/Warsaw' }),
    ),
    customerId: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const Consent = Type.Object(
  {
    phoneContact: Type.Boolean({
      description: 'Whether the person agreed to be called. false: the lead is suppressed (no_consent).',
    }),
    capturedAt: Type.Optional(IsoDateTime('When the consent was given.')),
    source: Type.Optional(Type.String({ maxLength: 128, description: 'Which form or text captured it.' })),
  },
  { additionalProperties: false },
);

export const Offer = Type.Object(
  {
    product: Type.String({ minLength: 1, maxLength: 64 }),
    amount: Type.Optional(Type.Number({ minimum: 0 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' })),
    termMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 1200 })),
    eligibility: Type.Optional(Type.Enum(['pre_approved', 'approved', 'checked'])),
  },
  { additionalProperties: false },
);

/** What the person did on the client's site; free-form beyond the known fields. */
export const IntentContext = Type.Object(
  {
    pageUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    visits: Type.Optional(Type.Integer({ minimum: 0 })),
    secondsOnPage: Type.Optional(Type.Number({ minimum: 0 })),
    utmSource: Type.Optional(Type.String({ maxLength: 256 })),
  },
  {
    additionalProperties: Type.Union([
      Type.String({ maxLength: 2048 }),
      Type.Number(),
      Type.Boolean(),
      Type.Null(),
    ]),
  },
);

export const IntentEvent = Type.Object(
  {
    eventId: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9._:-]+$',
      description: "The client's own id for this event; the idempotency key, unique per tenant.",
    }),
    type: Type.String({ minLength: 1, maxLength: 64, description: 'What happened, e.g. offer_check.' }),
    occurredAt: IsoDateTime("When it happened, by the client's clock."),
    campaign: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The campaign's slug, e.g. cash-loan.",
    }),
    person: Person,
    consent: Consent,
    offer: Type.Optional(Offer),
    context: Type.Optional(IntentContext),
  },
  { additionalProperties: false, examples: [INTENT_EVENT_EXAMPLE] },
);
export type IntentEvent = Static<typeof IntentEvent>;
