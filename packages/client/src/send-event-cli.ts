import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { INTENT_EVENT_EXAMPLE, type IntentEvent } from '@pronto/contracts';
import * as cli from './cli.ts';

export { type CliIo, describeRefusal, readDemoSecret } from './cli.ts';

export const USAGE = `Usage: npm run send-event -- --phone "+48 601 234 567" [options]

  --phone <number>    the person's phone (required)
  --name <text>       the person's name
  --campaign <slug>   default cash-loan
  --amount <number>   offer amount in PLN, default 20000
  --event-id <id>     default a new one (each run's event is new: occurredAt is now,
                      so the same id again is a 409, not a replay)
  --no-consent        the person did not agree to be called (the lead is suppressed)
  --count <n>         send n events, phones counted up from --phone
  --url <url>         default $PRONTO_URL or http://127.0.0.1:8080
  --key-id <id>       default $PRONTO_KEY_ID or demo-key
  --secret <secret>   default $PRONTO_DEMO_SECRET, $PRONTO_SECRET, or the file
                      $PRONTO_DATA_DIR/demo-secret (.pronto/demo-secret) that npm start writes
  --help              this text`;

const OPTIONS = {
  phone: { type: 'string' },
  name: { type: 'string' },
  campaign: { type: 'string', default: 'cash-loan' },
  amount: { type: 'string', default: '20000' },
  'event-id': { type: 'string' },
  'no-consent': { type: 'boolean', default: false },
  count: { type: 'string', default: '1' },
  ...cli.CONNECTION_OPTIONS,
} as const;

/** Sends signed test events the way a client's server would. Returns the exit code: 0, 1 refused, 2 usage. */
export async function sendEventCli(io: cli.CliIo): Promise<number> {
  const values = cli.parseCliArgs(io, OPTIONS, USAGE, 2);
  if (typeof values === 'number') return values;
  const count = Number(values.count);
  const amount = Number(values.amount);
  const url = values.url ?? io.env.PRONTO_URL ?? cli.DEFAULT_URL;
  const problem = !values.phone
    ? '--phone is required'
    : !Number.isInteger(count) || count < 1
      ? `--count must be a whole number of 1 or more, not ${values.count}`
      : !Number.isFinite(amount) || values.amount.trim() === ''
        ? `--amount must be a number, not ${values.amount}`
        : !URL.canParse(url)
          ? `--url (or PRONTO_URL) is not a URL: ${url}`
          : undefined;
  if (problem || !values.phone) {
    io.err(`${problem}\n\n${USAGE}`);
    return 2;
  }
  const secret =
    values.secret ?? io.env.PRONTO_DEMO_SECRET ?? io.env.PRONTO_SECRET ?? (await cli.readDemoSecret(io));
  if (!secret) return 2;

  const client = cli.cliClient(io, { url, keyId: values['key-id'], secret });
  const firstPhone = values.phone;
  for (let n = 0; n < count; n += 1) {
    const eventId = values['event-id'] ?? `evt_${randomUUID()}`;
    const event = buildTestEvent({
      eventId: count > 1 && values['event-id'] ? `${eventId}-${n + 1}` : eventId,
      phone: n === 0 ? firstPhone : nthPhone(firstPhone, n),
      campaign: values.campaign,
      amount,
      consent: !values['no-consent'],
      ...(values.name ? { name: values.name } : {}),
    });
    try {
      const sent = await client.sendEvent(event);
      io.out(
        `${sent.httpStatus} ${JSON.stringify(sent.answer)}${sent.replayed ? '  (a replay: first answer)' : ''}`,
      );
      io.out(`  read the lead back (signed): GET /v1/leads/${sent.answer.leadId}`);
    } catch (error) {
      if (!cli.reportRequestFailure(io, error, url)) throw error;
      return 1;
    }
  }
  return 0;
}

/** The design's example event (an offer check for a cash loan), built for now. */
export function buildTestEvent(input: {
  eventId: string;
  phone: string;
  campaign: string;
  amount: number;
  consent: boolean;
  name?: string;
}): IntentEvent {
  const now = new Date();
  const { name: _exampleName, customerId: _exampleCustomer, ...person } = INTENT_EVENT_EXAMPLE.person;
  return {
    ...INTENT_EVENT_EXAMPLE,
    eventId: input.eventId,
    occurredAt: now.toISOString(),
    campaign: input.campaign,
    person: { ...person, phone: input.phone, ...(input.name ? { name: input.name } : {}) },
    consent: {
      phoneContact: input.consent,
      capturedAt: new Date(now.getTime() - 5_000).toISOString(),
      source: 'send-event-cli',
    },
    offer: { ...INTENT_EVENT_EXAMPLE.offer, amount: input.amount },
    context: { ...INTENT_EVENT_EXAMPLE.context, utmSource: 'send-event' },
  };
}

/** +48 601 234 567, n = 2 -> +48601234569: distinct people, so that the leads do not merge. */
function nthPhone(phone: string, n: number): string {
  const digits = phone.replace(/\D/g, '');
  return `${phone.trim().startsWith('+') ? '+' : ''}${(BigInt(digits || '0') + BigInt(n)).toString()}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await sendEventCli({
    argv: process.argv.slice(2),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
