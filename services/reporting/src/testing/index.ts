// Reporting for other services' tests: the scripted day, the fold into report_lead (the alerts'
// tests seed the report rows their sweeps read), and the consumer, the report's routes and the
// manager-session check (the console's tests read the report as a signed-in manager).
export { managerSessionAuthenticator } from '../manager-readers.ts';
export { reportRoutes } from '../report-routes.ts';
export { applyFact } from '../report-store.ts';
export { type Reporting, startReporting } from '../start-reporting.ts';
export * from './scripted-day.ts';
