import Type, { type Static } from 'typebox';

// The staffing answer's shape: the route's response schema (so it shows in /openapi.json) and the
// type the advice is built as, from one declaration.

const Count = Type.Number({ minimum: 0 });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

export const StaffingHourSchema = Type.Object({
  hour: Type.Integer({
    description: "The local hour (0-23, the campaign's zone); a fall-back day repeats one.",
  }),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  open: Type.Boolean({
    description: 'The calling window is open at some time in the hour; closed hours need no agents.',
  }),
  forecastArrivals: Type.Number({
    description:
      "Leads expected: the mean of the same weekday-hour over `weeks` weeks (or the query's), times arrivalMultiplier.",
  }),
  erlangAgents: Type.Integer({
    description: 'Agents Erlang C says the hour needs for serviceLevelTarget within targetSeconds.',
  }),
  erlangServiceLevel: Type.Union([Share], {
    description: "Erlang C's service level with erlangAgents; null when none are needed.",
  }),
  simulatedAgents: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "Agents the simulator (the dispatch policy, answer rates, retries) says the hour needs for attainmentTarget; null for an hour whose traffic is above the answer's simulation range (more than 100 Erlangs of agent work, unanswered dials included: the gap then uses erlangAgents; `npm run simulate` takes any size).",
  }),
  simulatedAttainment: Type.Union([Share], {
    description: 'The attainment simulated with simulatedAgents; null when none are needed.',
  }),
  belowTarget: Type.Union([Type.Boolean(), Type.Null()], {
    description:
      'true when even the most agents the search tried fall short of attainmentTarget (the answer rate and retries cap it); null when the hour was not simulated.',
  }),
  signedInAgents: Type.Union([Count, Type.Null()], {
    description:
      "Mean agents of the campaign's groups not offline in the hour (so far); null for an hour not started.",
  }),
  gap: Type.Union([Type.Number(), Type.Null()], {
    description:
      'signedInAgents - simulatedAgents (erlangAgents when simulatedAgents is null): negative is short of agents; null when signedInAgents is.',
  }),
});

export const StaffingSchema = Type.Object({
  campaign: Type.String(),
  date: Type.String({ description: "The local date (YYYY-MM-DD) in the campaign's zone." }),
  timeZone: Type.String(),
  target: Type.Number({
    description: 'The attainment asked for: the share of leads contacted within the SLA.',
  }),
  targetSource: Type.Union([Type.Literal('query'), Type.Literal('campaign'), Type.Literal('default')], {
    description:
      "Where the target comes from: the query, the campaign's attainment alert threshold, or the default 0.9.",
  }),
  slaSeconds: Type.Integer(),
  targetSeconds: Type.Number({
    description: 'slaSeconds minus the dial allowance: a lead must be offered within it.',
  }),
  weeks: Type.Integer(),
  arrivalMultiplier: Type.Number(),
  arrivalsSource: Type.Union([Type.Literal('history'), Type.Literal('query')], {
    description: 'history: the forecast; query: the arrivals of the query.',
  }),
  handleSeconds: Type.Number({ description: 'Talk + wrap-up of a contact, seconds.' }),
  handleSource: Type.Union([Type.Literal('history'), Type.Literal('dialer_profile'), Type.Literal('query')], {
    description:
      'history: the contacts of the weeks; dialer_profile: its mean talk (too few contacts); query: handleSeconds.',
  }),
  answerRate: Type.Number({
    description: "The share of dials the person answers (the campaign's dialer profile).",
  }),
  attemptsWithinSla: Type.Integer({
    description: 'Dials of one lead that fit in targetSeconds (the short retries).',
  }),
  reachWithinSla: Type.Number({
    description: '1 - (1 - answerRate)^attemptsWithinSla: the best attainment any staff gets.',
  }),
  serviceLevelTarget: Type.Number({
    description: 'The share of leads to offer within targetSeconds (Erlang C).',
  }),
  attainmentTarget: Type.Number({
    description: 'The attainment staffed for: target, or reachWithinSla x 0.9 when capped.',
  }),
  targetCapped: Type.Boolean({
    description: 'target is beyond what the answer rate and retries allow: staffed for attainmentTarget.',
  }),
  generatedAt: Type.String({ format: 'date-time' }),
  hours: Type.Array(StaffingHourSchema),
  totals: Type.Object({
    forecastArrivals: Type.Number(),
    erlangAgentHours: Type.Number(),
    simulatedAgentHours: Type.Number({
      description: "The hours' simulatedAgents, erlangAgents where the hour was not simulated.",
    }),
    signedInAgentHours: Type.Union([Type.Number(), Type.Null()]),
  }),
});

export type StaffingHour = Static<typeof StaffingHourSchema>;
export type StaffingAnswer = Static<typeof StaffingSchema>;
