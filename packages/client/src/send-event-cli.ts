import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { IntentEvent } from '@pronto/contracts';
import { ProntoApiError, ProntoNetworkError } from './pronto-api-error.ts';
import { createProntoClient } from './pronto-client.ts';

const USAGE = `Usage: npm run send-event -- --phone "+48 601 234 567" [options]

  --phone <number>      the person's phone (required)
  --name <text>         the person's name
  --campaign <slug>     default cash-loan
  --amount <number>     offer amount in PLN, default 20000
  --event-id <id>       default a new one; send the same id again to see a replay
  --no-consent          the person did not agree to be called (the lead is suppressed)
  --count <n>           send n events (phones counted up from --phone)
  --url <url>           default $PRONTO_URL or http://127.0.0.1:8080
  --key-id <id>         default $PRONTO_KEY_ID or demo-key
  --secret <secret>     default $PRONTO_SECRET, $PRONTO_DEMO_SECRET, or <data folder>/demo-secret`;

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Sends signed test events the way a client's server would; returns the exit code. */
export async function sendEventCli(io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(io.argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!values.phone) {
    io.err(`--phone is required\n\n${USAGE}`);
    return 2;
  }
  const count = Number(values.count ?? '1');
  const amount = Number(values.amount ?? '20000');
  if (!Number.isInteger(count) || count < 1 || !Number.isFinite(amount)) {
    io.err(`--count must be a whole number >= 1 and --amount a number\n\n${USAGE}`);
    return 2;
  }
  const secret =
    values.secret ?? io.env.PRONTO_SECRET ?? io.env.PRONTO_DEMO_SECRET ?? (await readDemoSecret(io.env));
  if (!secret) {
    io.err(
      `No secret: pass --secret, set PRONTO_SECRET, or start the embedded server first (it writes ${join(io.env.PRONTO_DATA_DIR ?? '.pronto', 'demo-secret')}).`,
    );
    return 2;
  }
  const url = values.url ?? io.env.PRONTO_URL ?? 'http://127.0.0.1:8080';
  const client = createProntoClient({
    baseUrl: url,
    keyId: values['key-id'] ?? io.env.PRONTO_KEY_ID ?? 'demo-key',
    secret,
    maxRetries: 3,
  });
  const digits = values.phone.replace(/\D/g, '');
  for (let n = 0; n < count; n += 1) {
    const phone = n === 0 ? values.phone : `+${(BigInt(digits) + BigInt(n)).toString()}`;
    const event = buildEvent({
      phone,
      campaign: values.campaign ?? 'cash-loan',
      amount,
      consent: !values['no-consent'],
      ...(values.name ? { name: values.name } : {}),
      eventId: values['event-id']
        ? count > 1
          ? `${values['event-id']}-${n}`
          : values['event-id']
        : `evt_${Date.now().toString(36)}_${n}`,
    });
    try {
      const sent = await client.sendEvent(event);
      io.out(`${sent.httpStatus} ${JSON.stringify(sent.answer)}`);
      io.out(`  read it back: GET ${url}/v1/leads/${sent.answer.leadId}`);
    } catch (error) {
      if (error instanceof ProntoApiError || error instanceof ProntoNetworkError) {
        io.err(error.message);
        return 1;
      }
      throw error;
    }
  }
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      phone: { type: 'string' },
      name: { type: 'string' },
      campaign: { type: 'string' },
      amount: { type: 'string' },
      'event-id': { type: 'string' },
      'no-consent': { type: 'boolean' },
      count: { type: 'string' },
      url: { type: 'string' },
      'key-id': { type: 'string' },
      secret: { type: 'string' },
    },
  }).values;
}

async function readDemoSecret(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    return (
      (await readFile(join(env.PRONTO_DATA_DIR ?? '.pronto', 'demo-secret'), 'utf8')).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

export function buildEvent(input: {
  phone: string;
  campaign: string;
  amount: number;
  consent: boolean;
  eventId: string;
  name?: string;
}): IntentEvent {
  const now = new Date();
  return {
    eventId: input.eventId,
    type: 'offer_check',
    occurredAt: now.toISOString(),
    campaign: input.campaign,
    person: {
      phone: input.phone,
      locale: 'pl-PL',
      timeZone: 'Europe/Warsaw',
      ...(input.name ? { name: input.name } : {}),
    },
    consent: { phoneContact: input.consent, capturedAt: now.toISOString(), source: 'send-event' },
    offer: {
      product: 'cash_loan',
      amount: input.amount,
      currency: 'PLN',
      termMonths: 36,
      eligibility: 'pre_approved',
    },
    context: {
      pageUrl: 'https://bank.example/cash-loan',
      visits: 2,
      secondsOnPage: 95,
      utmSource: 'send-event',
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await sendEventCli({
    argv: process.argv.slice(2),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
