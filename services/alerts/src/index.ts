export type { AttainmentAlert, LeadBreachedAlert } from './alert-payload.ts';
export { type AlertSettingsRouteDeps, alertSettingsRoutes } from './alert-settings-routes.ts';
export { alertsSignedRoutes } from './alerts-api.ts';
export { type Alerts, type AlertsDeps, startAlerts } from './start-alerts.ts';
