// The managers' console: the dashboard, its sign-in and its pages (docs/architecture.md).
export { buildConsoleApp } from './build-console-app.ts';
export type { DashboardSnapshot } from './dashboard-snapshot.ts';
export type { DashboardStreams } from './dashboard-stream.ts';
export { type ConsoleDeps, registerConsole } from './register-console.ts';
