export { AgentCommandV1 } from './agent-command-message.ts';
export { AgentState, AttemptOutcome, Disposition } from './agent-state.ts';
export { AgentUpdateV1, OfferedLead } from './agent-update-message.ts';
export { CallEventV1 } from './call-event-message.ts';
export { compileValidator, type Validator } from './compile-validator.ts';
export { isStorableDateTime } from './date-time-format.ts';
export { DialRequestV1 } from './dial-request-message.ts';
export {
  DEFAULT_DIALER_PROFILE,
  type DialerProfile,
  DialerProfileError,
  type MsRange,
  resolveProfile,
  SIMULATED_OUTCOMES,
  type SimulatedOutcome,
} from './dialer-profile.ts';
export * from './dnc-entry.ts';
export * from './dnc-import.ts';
export { EventAnswer, EventStatus } from './event-answer.ts';
export {
  EventBatchItemResult,
  EventBatchRequest,
  EventBatchResponse,
  MAX_BATCH_EVENTS,
} from './event-batch.ts';
export { toFieldErrors } from './field-errors.ts';
export { Consent, IntentContext, IntentEvent, Offer, Person } from './intent-event.ts';
export { INTENT_EVENT_EXAMPLE } from './intent-event-example.ts';
export { IntentReceivedV1 } from './intent-received-message.ts';
export {
  knownLeadEvent,
  type LeadEventPayload,
  LeadEventV1,
  type ReceivedLeadEventPayload,
  type ReceivedLeadEventV1,
  type UnknownLeadEventPayload,
} from './lead-event-message.ts';
export * from './lead-lifecycle.ts';
export { LeadQueuedV1 } from './lead-queued-message.ts';
export { LeadView } from './lead-view.ts';
export {
  defineMessage,
  type MessageDefinition,
  MessageEnvelope,
  type MessageOf,
} from './message-envelope.ts';
export { FieldError, PROBLEM_CONTENT_TYPE, Problem } from './problem.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy-defaults.ts';
export { ScoreFactor } from './score-factor.ts';
export { DEFAULT_WEIGHTS, type ScoringWeights, weightsFrom } from './scoring-weights.ts';
export {
  CHECKED_APART,
  findUnstorable,
  MAX_JSON_DEPTH,
  unstorableTextReason,
} from './storable-text.ts';
export { SurveyRequestedV1 } from './survey-requested-message.ts';
export { KNOWN_TIME_ZONES, knownTimeZone } from './time-zones.ts';
export {
  instanceGroup,
  type Service,
  subscriptionsOf,
  TOPOLOGY,
  type Topic,
  type TopicRoute,
} from './topology.ts';
