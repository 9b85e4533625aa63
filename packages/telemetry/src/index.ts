export { createLogger, type Logger, type LoggerOptions, maskPhone } from './create-logger.ts';
