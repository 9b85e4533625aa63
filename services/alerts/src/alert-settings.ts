import Type, { type Static } from 'typebox';

const Threshold = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: "Alert when the live window's attainment (met / eligible) falls below this share; null: off.",
});
const MinEligible = Type.Integer({
  minimum: 1,
  maximum: 100_000,
  description: 'Eligible leads the live window needs before its attainment is judged (default 5).',
});

export const CampaignAlertRequest = Type.Object(
  { attainmentBelow: Type.Optional(Threshold), minEligible: Type.Optional(MinEligible) },
  { additionalProperties: false },
);

/** PUT /v1/alerts/settings. */
export const AlertSettingsRequest = Type.Object(
  {
    webhookUrl: Type.Union([Type.String({ maxLength: 2_048 }), Type.Null()], {
      description:
        'Where alerts are POSTed: https (http only to loopback); null removes the webhook. Signed with the key that makes this call.',
    }),
    enabled: Type.Optional(Type.Boolean({ description: 'false pauses alerts (default true).' })),
    campaigns: Type.Optional(
      Type.Record(Type.String(), CampaignAlertRequest, {
        description: 'By campaign slug; campaigns not named keep their settings.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AlertSettingsRequest = Static<typeof AlertSettingsRequest>;

/** GET and PUT /v1/alerts/settings answer with the whole of a tenant's settings. */
export const AlertSettings = Type.Object({
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  keyId: Type.Union([Type.String(), Type.Null()], {
    description: 'The API key whose secret signs the alerts.',
  }),
  enabled: Type.Boolean(),
  since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Leads due before this time are not alerted.',
  }),
  campaigns: Type.Record(
    Type.String(),
    Type.Object({
      attainmentBelow: Threshold,
      minEligible: MinEligible,
      below: Type.Boolean({ description: 'The last attainment alert said "below" and no recovery since.' }),
    }),
  ),
});
export type AlertSettings = Static<typeof AlertSettings>;
