export type { DashboardSnapshot } from './dashboard-snapshot.ts';
export { dashboardSnapshot } from './dashboard-snapshot.ts';
export { createManagerSessions, type ManagerSessions } from './manager-sessions.ts';
export { type ManagerDashboardDeps, registerManagerDashboard } from './register-manager-dashboard.ts';
export { managerSessionAuthenticator } from './session-routes.ts';
