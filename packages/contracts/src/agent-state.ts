import Type, { type Static } from 'typebox';

/** An agent's state, owned by the dispatcher (docs/architecture.md "The agent's states"). */
export const AgentState = Type.Enum([
  'offline',
  'available',
  'offered',
  'dialing',
  'on_call',
  'wrap_up',
  'paused',
]);
export type AgentState = Static<typeof AgentState>;

/** An attempt's outcome (docs/dialer-contract.md). */
export const AttemptOutcome = Type.Enum([
  'contacted',
  'no_answer',
  'busy',
  'failed',
  'invalid_number',
  'agent_missed',
  'voicemail',
]);
export type AttemptOutcome = Static<typeof AttemptOutcome>;

/** The agent's outcome after a contact. `do_not_call` adds the number to the tenant's DNC list. */
export const Disposition = Type.Object(
  {
    code: Type.Enum(['sale', 'not_interested', 'callback', 'wrong_person', 'do_not_call', 'other']),
    value: Type.Optional(Type.Number({ minimum: 0, description: 'sale: the amount sold' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    callbackAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'callback: when to call again' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type Disposition = Static<typeof Disposition>;
