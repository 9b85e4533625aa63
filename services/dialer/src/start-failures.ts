import { AmiError } from './asterisk/ami-connection.ts';

/**
 * How a process that starts a dialer tells a failed start (startOnBusOrExit's `isPermanent` and
 * `describe`): a refused AMI login or an unreachable Asterisk is said at once, since no wait fixes a
 * wrong setting.
 */
export const DIALER_START_FAILURES = {
  isPermanent: (error: unknown): boolean => error instanceof AmiError,
  describe: (error: unknown): string =>
    error instanceof AmiError
      ? `cannot start the Asterisk dialer: ${error.message}`
      : (error as Error).message,
};
