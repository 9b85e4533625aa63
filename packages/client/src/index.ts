export { DNC_IMPORT_CHUNK_ROWS, type DncImportProgress, type DncMethods } from './dnc-methods.ts';
export { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
export {
  createProntoClient,
  type ProntoClient,
  type ProntoClientOptions,
  type SentEvent,
} from './pronto-client.ts';
export { BASE_DELAY_MS, MAX_DELAY_MS } from './retry-delay.ts';
export { CsvSplitError } from './split-dnc-csv.ts';
export { type VerifiedWebhook, type VerifyWebhookInput, verifyWebhook } from './verify-webhook.ts';
