import { type Bus, startOutboxRelay } from '@pronto/bus';
import { IntentReceivedV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { type DialerSettings, startDialer } from '@pronto/dialer';
import { startDispatcher } from '@pronto/dispatcher';
import { startReporting } from '@pronto/reporting';
import { startScoring } from '@pronto/scoring';
import { startSurveys } from '@pronto/surveys';
import type { Logger } from '@pronto/telemetry';

/**
 * What runs on the bus in the one process: the intake's relay, scoring, the dispatcher, reporting,
 * the surveys and the dialer, started in that order. If one fails to start (a broker not ready yet), those
 * already running are stopped again, so that the caller can retry the whole on a fresh bus.
 */
export async function startPipeline(deps: {
  db: Database;
  bus: Bus;
  logger: Logger;
  dialer: DialerSettings;
  /** PRONTO_REDRIVE_AFTER_SECONDS, in ms: when scoring re-drives and reporting counts an unscored lead. */
  redriveAfterMs?: number;
}) {
  const { db, bus, logger } = deps;
  const redrive = deps.redriveAfterMs === undefined ? {} : { redriveAfterMs: deps.redriveAfterMs };
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    // intake -> intents -> scoring -> leads -> dispatcher -> offers -> agent gateway (WebSocket)
    //                                          dispatcher -> dial-requests -> dialer -> call-events -> dispatcher
    const relay = startOutboxRelay({
      sql: db.sql,
      bus,
      logger,
      topics: [IntentReceivedV1.topic],
      exclusive: db.kind === 'postgres',
    });
    started.push(relay);
    const scoring = await startScoring({ db, bus, logger, ...redrive });
    started.push(scoring);
    const dispatcher = await startDispatcher({ db, bus, logger });
    started.push(dispatcher);
    const reporting = await startReporting({ db, bus, logger, ...redrive });
    started.push(reporting);
    const surveys = await startSurveys({ db, bus, logger });
    started.push(surveys);
    const dialer = await startDialer(deps.dialer, { bus, logger, sql: db.sql });
    return { relay, scoring, dispatcher, reporting, surveys, dialer };
  } catch (error) {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
    throw error;
  }
}
