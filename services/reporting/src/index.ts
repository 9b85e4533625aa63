export {
  BREACH_REASONS,
  type BreachReason,
  breachReason,
  emptyRow,
  foldLeadFact,
  type LeadFact,
  type LeadResult,
  leadResult,
  type ReportRow,
} from './fold-lead-fact.ts';
export { type MetricsDeps, registerMetrics, SPEED_TO_LEAD_BUCKETS } from './metrics.ts';
export { compareWithHistory, foldHistory, rebuildReports } from './rebuild.ts';
export { periodOf, type ReportParams } from './report-query.ts';
export { type ReportRouteDeps, reportRoutes, SlaReportSchema } from './report-routes.ts';
export { applyFact, loadRow } from './report-store.ts';
export { GROUP_BY, type GroupBy, type SlaQuery, type SlaReport, slaReport } from './sla-report.ts';
export { REPORTING_GROUP, type Reporting, startReporting } from './start-reporting.ts';
