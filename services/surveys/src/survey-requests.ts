import { type Bus, startOutboxRelay } from '@pronto/bus';
import { SurveyRequestedV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { requestSurvey, SURVEY_RELAY } from './request-survey.ts';

/** The lead event after which a contact's person is asked for a score. */
export const SURVEY_EVENT = 'dispositioned';

/** What a survey is asked from: the lead event's fields it reads (its detail names the attempt). */
export interface DispositionedEvent {
  leadId: string;
  tenantId: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface SurveyRequestsDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  now: () => Date;
}

export interface SurveyRequests {
  /** Asks about the attempt of a `dispositioned` lead event, once however often it is delivered. */
  handle(event: DispositionedEvent): Promise<void>;
  /** Stops the relay after the batch in flight. */
  stop(): Promise<void>;
}

/**
 * The survey requests: each contact's `dispositioned` fact writes a survey and its message in one
 * transaction; the surveys' own relay publishes them on `survey-requests` (the relay in the embedded
 * process publishes only the intake's topic, as the dispatcher's and scoring's own do).
 */
export function startSurveyRequests(deps: SurveyRequestsDeps): SurveyRequests {
  const { db, bus, logger, now } = deps;
  const relay = startOutboxRelay({
    sql: db.sql,
    bus,
    logger,
    topics: [SurveyRequestedV1.topic],
    relay: SURVEY_RELAY,
    exclusive: db.kind === 'postgres',
    now,
  });
  return {
    async handle(event) {
      const surveyId = await db.sql.transaction((tx) =>
        requestSurvey(tx, { tenantId: event.tenantId, at: new Date(event.at), detail: event.detail }, now()),
      );
      if (!surveyId) return;
      relay.wake();
      logger.info({ leadId: event.leadId, attemptId: event.detail.attemptId, surveyId }, 'survey requested');
    },
    async stop() {
      // Rows not yet published stay in the outbox for the next start: nothing is lost.
      await relay.stop();
    },
  };
}
