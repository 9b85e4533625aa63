// Reporting for other services' tests: the scripted day, and the fold into report_lead (the alerts'
// tests seed the report rows their sweeps read).
export { applyFact } from '../report-store.ts';
export * from './scripted-day.ts';
