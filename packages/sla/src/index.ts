// The SLA: a lead's due time (the clock), its result folded from its facts, and the report's figures
// over the folded rows (report_lead, which reporting writes; the console and alerts read them).
// docs/architecture.md has the definitions.

export { labelAgentSlices } from './agent-labels.ts';
export {
  type CallingCalendar,
  type CallingWindow,
  type Interval,
  isOpen,
  nextOpening,
  openIntervals,
} from './calling-calendar.ts';
export {
  BREACH_REASONS,
  type BreachReason,
  breachReason,
  emptyRow,
  foldLeadFact,
  type LeadFact,
  type LeadResult,
  leadResult,
  REPORTED_EVENTS,
  type ReportRow,
  SLA_ESTIMATED,
} from './fold-lead-fact.ts';
export {
  isGroupBy,
  LIVE_WINDOW_MS,
  MAX_PERIOD_DAYS,
  type Period,
  periodOf,
  ReportParamError,
  type ReportParams,
} from './report-period.ts';
export { type ResolvedZone, resolveZone } from './resolve-zone.ts';
export { computeSlaDue, type SlaClock, type SlaDue } from './sla-clock.ts';
export {
  breachReasonSql,
  GROUP_BY,
  type GroupBy,
  LOCAL_HOUR_SQL,
  leadResultSql,
  type Percentiles,
  periodParams,
  perLeadSql,
  reportHeading,
  type SlaFigures,
  type SlaQuery,
  type SlaReport,
  type SlaSlice,
  SPEED_TO_LEAD_BUCKETS,
  slaReport,
  slaReportFromRows,
} from './sla-report.ts';
