import { type Bus, checkedMessage, type Subscription } from '@pronto/bus';
import { compileValidator, LeadEventV1 } from '@pronto/contracts';
import { type Database, isDatabaseUnavailable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { SURVEY_EVENT, startSurveyRequests } from './survey-requests.ts';

/** The consumer group of the surveys service on `lead-events` (TOPOLOGY). */
export const SURVEYS_GROUP = 'surveys';

export interface SurveysDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
}

export interface Surveys {
  /** Stops taking lead events, finishing the one in hand, then the relay of the questions. */
  stop(): Promise<void>;
}

const validator = compileValidator(LeadEventV1.schema);

/**
 * The NPS surveys: reads `lead-events` in a consumer group of its own and asks the person of each
 * contact for a score after its `dispositioned` fact (a survey row and its `survey.requested`
 * message in one transaction, once per attempt however often the fact is delivered); its own relay
 * publishes the questions on `survey-requests`.
 */
export async function startSurveys(deps: SurveysDeps): Promise<Surveys> {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const requests = startSurveyRequests({ db, bus, logger, now });
  let subscription: Subscription;
  try {
    subscription = await bus.subscribe({
      topic: LeadEventV1.topic,
      group: SURVEYS_GROUP,
      isTransient: isDatabaseUnavailable,
      handler: async ({ message }) => {
        const { payload } = checkedMessage(validator, message, 'lead.event v1');
        // A contact's outcome asks the person for a score (idempotent by its attempt); nothing else does.
        if (payload.event === SURVEY_EVENT) await requests.handle(payload);
      },
    });
  } catch (error) {
    await requests.stop();
    throw error;
  }
  return {
    async stop() {
      await subscription.close();
      await requests.stop();
    },
  };
}
