// The console: the managers' dashboard and sign-in, the admin API and its pages (docs/architecture.md).
export { consoleAdmin } from './admin/console-admin.ts';
export { buildConsoleApp } from './build-console-app.ts';
export type { DashboardSnapshot } from './dashboard-snapshot.ts';
export type { DashboardStreams } from './dashboard-stream.ts';
export { type ConsoleDeps, registerConsole } from './register-console.ts';
