import Type, { type Static } from 'typebox';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const LeadView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.String(),
  campaign: Type.String({ description: "The campaign's slug." }),
  score: Type.Union([Type.Integer(), Type.Null()]),
  receivedAt: Type.String({ format: 'date-time' }),
  intents: Type.Integer({ description: 'How many intent events this lead holds (repeats merge).' }),
  sla: Type.Object({
    anchorAt: Time,
    dueAt: Time,
    firstAttemptAt: Time,
    contactedAt: Time,
    met: Type.Union([Type.Boolean(), Type.Null()], { description: 'null while undecided.' }),
  }),
  suppression: Type.Union([Type.Object({ reason: Type.String() }), Type.Null()]),
  attempts: Type.Array(
    Type.Object({
      id: Type.String(),
      agentId: Type.Union([Type.String(), Type.Null()]),
      queuedAt: Type.String({ format: 'date-time' }),
      offeredAt: Time,
      dialedAt: Time,
      answeredAt: Time,
      endedAt: Time,
      outcome: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  history: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), type: Type.String(), detail: Type.Unknown() }),
  ),
});
export type LeadView = Static<typeof LeadView>;
