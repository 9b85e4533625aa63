export { buildApp, EVENT_BODY_LIMIT, type IngestDeps } from './app.ts';
export { IngestConfig, loadIngestConfig } from './config.ts';
