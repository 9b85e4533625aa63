export { buildApp, EVENT_BODY_LIMIT, type IngestDeps } from './app.ts';
export { IngestConfig, IntakeSettings } from './config.ts';
