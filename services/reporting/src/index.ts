export type { AttainmentAlert, LeadBreachedAlert } from './alerts/alert-payload.ts';
export { alertSettingsRoutes } from './alerts/alert-settings-routes.ts';
export { type Alerts, startAlerts } from './alerts/start-alerts.ts';
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
export { managerSessionAuthenticator } from './manager-readers.ts';
export { type MetricsDeps, registerMetrics } from './metrics.ts';
export { compareWithHistory, foldHistory, rebuildReports } from './rebuild.ts';
export { periodOf, type ReportParams } from '@pronto/sla';
export { type ReportRouteDeps, reportRoutes, SlaReportSchema } from './report-routes.ts';
export { applyFact, loadRow } from './report-store.ts';
export { reportingSignedRoutes } from './reporting-api.ts';
export {
  GROUP_BY,
  type GroupBy,
  type SlaQuery,
  type SlaReport,
  slaReport,
  slaReportFromRows,
} from '@pronto/sla';
export { markEveryHourDirty, refreshRollup } from './sla-rollup.ts';
export { REPORTING_GROUP, type Reporting, startReporting } from './start-reporting.ts';
export { netPromoterScore, npsCategory } from './surveys/nps.ts';
export { requestSurvey, SURVEY_RELAY, SURVEY_TTL_MS } from './surveys/request-survey.ts';
export { type SurveyRouteDeps, surveyRoutes } from './surveys/survey-routes.ts';
