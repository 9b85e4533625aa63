/** The little of a logger that shutting down needs (a pino logger fits). */
interface ShutdownLogger {
  info(fields: object, message: string): void;
  info(message: string): void;
  error(message: string): void;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0. Each service's own steps have their own
 * limits (flushing a relay, draining a consumer); `forceAfterMs` is for what nobody foresaw: past
 * it the process exits 1 rather than hang.
 */
export function onShutdown(logger: ShutdownLogger, stop: () => Promise<void>, forceAfterMs = 20_000): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error(`shutdown took over ${forceAfterMs / 1_000} s; exiting`);
      process.exit(1);
    }, forceAfterMs);
    force.unref();
    await stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
