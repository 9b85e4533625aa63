import Type, { type Static } from 'typebox';
import { ScoreFactor } from './score-factor.ts';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const LeadView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.String(),
  campaign: Type.String({ description: "The campaign's slug." }),
  score: Type.Union([Type.Integer(), Type.Null()], { description: '0-100; null until scored.' }),
  scoreFactors: Type.Array(ScoreFactor, {
    description: 'Why the lead scored what it did, factor by factor.',
  }),
  timeZone: Type.Union([Type.String(), Type.Null()], {
    description: "The zone whose calling windows apply (the event's, else the phone's, else the campaign's).",
  }),
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
      /** The call as the dialer saw it: when each leg moved, who hung up and why, Asterisk's ids. */
      call: Type.Object({
        agentAnsweredAt: Time,
        ringingAt: Time,
        bridgedAt: Time,
        endReason: Type.Union([Type.String(), Type.Null()], {
          description: 'the telephony cause, or why the attempt ended without a call',
        }),
        causeCode: Type.Union([Type.Integer(), Type.Null()]),
        hangupBy: Type.Union([Type.String(), Type.Null()]),
        uniqueId: Type.Union([Type.String(), Type.Null()]),
        linkedId: Type.Union([Type.String(), Type.Null()]),
        personUniqueId: Type.Union([Type.String(), Type.Null()]),
      }),
    }),
  ),
  history: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), type: Type.String(), detail: Type.Unknown() }),
  ),
});
export type LeadView = Static<typeof LeadView>;
