import Type from 'typebox';

const Window = Type.Object(
  {
    days: Type.Array(Type.Integer(), { description: 'Weekdays, 1 (Monday) to 7 (Sunday).' }),
    from: Type.String({ description: 'HH:MM, local time in the lead’s zone.' }),
    to: Type.String({ description: 'HH:MM, after `from`; 24:00 is midnight.' }),
  },
  { additionalProperties: false },
);

const RetryPolicy = Type.Object(
  {
    shortDelaysSeconds: Type.Array(Type.Integer(), {
      description: 'Delays between dials while the SLA can still be met.',
    }),
    cadenceSeconds: Type.Array(Type.Integer(), {
      description: 'Delays once the SLA has passed; the last repeats.',
    }),
    maxAttempts: Type.Integer({ description: 'Dials of one lead, ever (1 or more).' }),
    maxAttemptsPer24h: Type.Integer({ description: 'Dials of one lead in any 24 hours (1 or more).' }),
  },
  { additionalProperties: false },
);

const Weights = Type.Record(
  Type.String(),
  Type.Union([Type.Number(), Type.Record(Type.String(), Type.Number())]),
  {
    description:
      "Points per scoring factor over the defaults (services/scoring's factors); eligibility takes points per level.",
  },
);

const SLA_CLOCK = Type.Union([Type.Literal('business_hours'), Type.Literal('calendar')]);

/**
 * The types of a PUT's body only: ranges, formats and the tenant's groups are checked by
 * validateCampaignSettings, which names every bad field at once with a sentence for the console.
 */
export const CampaignSettingsBody = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Required, 1..200 characters.' })),
    slaSeconds: Type.Optional(Type.Integer({ description: '1..86400, default 300.' })),
    slaClock: Type.Optional(SLA_CLOCK),
    timeZone: Type.Optional(Type.String({ description: 'Required: an IANA zone, e.g. Europe/Warsaw.' })),
    callingWindows: Type.Optional(
      Type.Array(Window, { description: 'Default: weekdays 08-21, Saturday 09-18.' }),
    ),
    holidays: Type.Optional(Type.Array(Type.String(), { description: 'YYYY-MM-DD dates with no calling.' })),
    retryPolicy: Type.Optional(Type.Partial(RetryPolicy)),
    offerTimeoutSeconds: Type.Optional(Type.Integer({ description: '5..300, default 20.' })),
    overflowThresholdSeconds: Type.Optional(Type.Integer({ description: '0..86400, default 120.' })),
    scoringWeights: Type.Optional(Weights),
    callerId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'E.164, or null.' })),
    dialerProfile: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "The simulated dialer's profile over its defaults.",
      }),
    ),
    agentGroups: Type.Optional(Type.Array(Type.String(), { description: 'Agent groups in overflow order.' })),
  },
  { additionalProperties: false },
);

export const Campaign = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  slaSeconds: Type.Integer(),
  slaClock: SLA_CLOCK,
  timeZone: Type.String(),
  callingWindows: Type.Array(Window),
  holidays: Type.Array(Type.String()),
  retryPolicy: RetryPolicy,
  offerTimeoutSeconds: Type.Integer(),
  overflowThresholdSeconds: Type.Integer(),
  scoringWeights: Weights,
  callerId: Type.Union([Type.String(), Type.Null()]),
  dialerProfile: Type.Record(Type.String(), Type.Unknown()),
  agentGroups: Type.Array(Type.String()),
  createdAt: Type.String({ description: 'ISO-8601 UTC.' }),
});

export const CampaignPutAnswer = Type.Object({
  campaign: Campaign,
  created: Type.Boolean(),
  applied: Type.Boolean({ description: 'False on a dry run: nothing was written.' }),
  changes: Type.Array(Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
});

export const CampaignParams = Type.Object({
  tenant: Type.String({ description: "The tenant's slug." }),
  campaign: Type.String({ description: "The campaign's slug." }),
});

export const DryRunQuery = Type.Object({
  dryRun: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
});
