export { createLogger, type Logger, type LoggerOptions, maskPhone } from './create-logger.ts';
export { type SafeError, safeError, scrubMessage } from './safe-error.ts';
