import type { Bus } from '@pronto/bus';
import { ConfigError } from '@pronto/config';
import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { AmiError } from './asterisk/ami-connection.ts';
import { startAsteriskDialer } from './asterisk/asterisk-dialer.ts';
import { databaseCallLog } from './calls/database-call-log.ts';
import { startCallLogSweep } from './calls/sweep-call-log.ts';
import { asteriskSettingsOf, type DialerSettings } from './dialer-settings.ts';
import { campaignProfileLookup } from './simulated/campaign-profile-lookup.ts';
import { startSimulatedDialer } from './simulated/simulated-dialer.ts';

/** A campaign's changed dialer profile reaches the simulated dialer within this time. */
const PROFILE_TTL_MS = 30_000;
/**
 * A placed call is remembered this long: past any redelivery of its originate (Kafka keeps a
 * message a week by default, and the dispatcher ends an attempt's call within 4 hours).
 */
const KEEP_CALLS_MS = 7 * 24 * 3_600_000;
const SWEEP_CALLS_EVERY_MS = 3_600_000;

export interface RunningDialer {
  readonly kind: DialerSettings['DIALER'];
  stop(): Promise<void>;
}

/**
 * Starts the dialer the configuration names. The Asterisk dialer logs in first: a refused login
 * or an unreachable Asterisk rejects here, so the process stops at start with the reason. Either
 * records its calls in the database's call log, so that no attempt is dialed twice, also across
 * restarts.
 */
export async function startDialer(
  config: DialerSettings,
  deps: { bus: Bus; logger: Logger; sql: Sql },
): Promise<RunningDialer> {
  const callLog = databaseCallLog(deps.sql);
  const dialer =
    config.DIALER === 'asterisk'
      ? await startAsteriskDialer({
          bus: deps.bus,
          logger: deps.logger,
          callLog,
          ...asteriskSettingsOf(config),
        })
      : await startSimulatedDialer({
          bus: deps.bus,
          logger: deps.logger,
          callLog,
          profileFor: campaignProfileLookup(deps.sql, { ttlMs: PROFILE_TTL_MS }),
        });
  const sweep = startCallLogSweep(callLog, {
    logger: deps.logger,
    keepMs: KEEP_CALLS_MS,
    everyMs: SWEEP_CALLS_EVERY_MS,
  });
  return {
    kind: config.DIALER,
    async stop() {
      await sweep.stop();
      await dialer.stop();
    },
  };
}

/**
 * For a main.ts: the dialer, or, when it cannot start (a bad setting, a refused AMI login, an
 * unreachable Asterisk), one line saying why and exit code 1.
 */
export async function startDialerOrExit(
  program: string,
  config: DialerSettings,
  deps: { bus: Bus; logger: Logger; sql: Sql; beforeExit?: () => Promise<void> },
): Promise<RunningDialer> {
  try {
    return await startDialer(config, deps);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof AmiError)) throw error;
    const what = error instanceof AmiError ? 'cannot start the Asterisk dialer: ' : '';
    process.stderr.write(`${program}: ${what}${error.message}\n`);
    await deps.beforeExit?.();
    process.exit(1);
  }
}
