export {
  BREACH_REASONS,
  type BreachReason,
  breachReason,
  emptyRow,
  foldLeadFact,
  GROUP_BY,
  type GroupBy,
  type LeadFact,
  type LeadResult,
  leadResult,
  periodOf,
  REPORTED_EVENTS,
  type ReportParams,
  type ReportRow,
  type SlaQuery,
  type SlaReport,
  slaReport,
  slaReportFromRows,
} from '@pronto/sla';
export {
  type KpiFigures,
  type KpiQuery,
  type KpiReport,
  type KpiSlice,
  kpiReport,
} from './kpi/kpi-report.ts';
export { KpiReportSchema, type KpiRouteDeps, kpiRoutes } from './kpi/kpi-routes.ts';
export { KPI_GROUP_BY, type KpiGroupBy } from './kpi/kpi-sql.ts';
export { netPromoterScore } from './kpi/net-promoter-score.ts';
export { managerSessionAuthenticator } from './manager-readers.ts';
export { type MetricsDeps, registerMetrics } from './metrics.ts';
export { compareWithHistory, foldHistory, rebuildReports } from './rebuild.ts';
export { type ReportRouteDeps, reportRoutes, SlaReportSchema } from './report-routes.ts';
export { applyFact, loadRow } from './report-store.ts';
export { reportingSignedRoutes } from './reporting-api.ts';
export { markEveryHourDirty, refreshRollup } from './sla-rollup.ts';
export { REPORTING_GROUP, type Reporting, startReporting } from './start-reporting.ts';
