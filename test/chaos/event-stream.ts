import { signedFetch } from '../support/signed-fetch.ts';

export interface EventStreamOptions {
  /** The ingests' base URLs as they are now (a restarted one has a new port). */
  ingests: () => string[];
  key: { keyId: string; secret: string };
  eventsPerSecond: number;
  /** Requests in flight at most. */
  senders: number;
}

export interface EventStream {
  /** Events sent so far (each until it had its answer). */
  readonly sent: () => number;
  /** eventId -> the answer that ended its sends (202 accepted, 200 the first answer again). */
  readonly answers: Map<string, { status: number; leadId: string }>;
  /** Sends that got no answer or a 503 and were sent again, to the other ingest. */
  readonly resends: () => number;
  /** Stops handing out new events; resolves once every event handed out has its answer. */
  stop(): Promise<void>;
}

/** Every tenth event is a person who came back: the event merges into that person's open lead. */
const personOf = (n: number) => (n % 10 === 9 ? n - 9 : n);

export function chaosEvent(n: number) {
  return {
    eventId: `chaos-${n}`,
    type: 'offer_check',
    occurredAt: new Date().toISOString(),
    campaign: 'cash-loan',
    person: { phone: `+48 6${String(personOf(n)).padStart(8, '0')}`, locale: 'pl-PL' },
    consent: { phoneContact: true },
    offer: { product: 'cash_loan', amount: 1_000 + n, currency: 'PLN', eligibility: 'approved' },
  };
}

/**
 * A steady stream of signed events, spread over the ingests. A send that gets no answer (its
 * ingest was killed) or a 503 goes again, the same event, to the other ingest, as the client
 * package does; any other answer than 202 or 200 fails the run.
 */
export function startEventStream(options: EventStreamOptions): EventStream {
  const answers = new Map<string, { status: number; leadId: string }>();
  const startedAt = Date.now();
  let next = 0;
  let resends = 0;
  let sent = 0;
  let stopping = false;
  let failure: Error | undefined;

  async function send(n: number) {
    const body = chaosEvent(n);
    for (let tries = 0; ; tries++) {
      const ingests = options.ingests();
      const ingest = ingests[(n + tries) % ingests.length] as string;
      try {
        const answer = await signedFetch(ingest, options.key, 'POST', '/v1/events', body);
        if (answer.status === 202 || answer.status === 200) {
          answers.set(body.eventId, {
            status: answer.status,
            leadId: (answer.json as { leadId: string }).leadId,
          });
          return;
        }
        if (answer.status !== 503)
          throw new Error(`${body.eventId}: ${answer.status} ${JSON.stringify(answer.json)}`);
      } catch (error) {
        if ((error as Error).message.startsWith(`${body.eventId}:`)) throw error;
      }
      if (tries > 200) throw new Error(`${body.eventId}: no ingest answered in 200 tries`);
      resends += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const senders = Array.from({ length: options.senders }, async () => {
    while (!stopping && !failure) {
      const n = next++;
      const due = startedAt + (n * 1_000) / options.eventsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      if (stopping) return;
      sent += 1;
      await send(n).catch((error: Error) => {
        failure ??= error;
      });
    }
  });

  return {
    sent: () => sent,
    answers,
    resends: () => resends,
    async stop() {
      stopping = true;
      await Promise.all(senders);
      if (failure) throw failure;
    },
  };
}
