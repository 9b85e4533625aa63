export { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
export {
  createProntoClient,
  type ProntoClient,
  type ProntoClientOptions,
  type SentEvent,
} from './pronto-client.ts';
export { BASE_DELAY_MS, MAX_DELAY_MS } from './retry-delay.ts';
