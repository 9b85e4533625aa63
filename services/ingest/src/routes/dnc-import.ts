import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  compileValidator,
  DNC_IMPORT_CONTENT_TYPE,
  DNC_REASON_MAX_LENGTH,
  DncImportCsv,
  DncImportReport,
  type DncImportRowError,
  DncLocale,
  MAX_DNC_IMPORT_ROWS,
} from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import type { FastifyRequest } from 'fastify';
import { importDncEntries } from '../dnc-list.ts';
import { type CsvRecord, CsvSyntaxError, parseCsv } from '../parse-csv.ts';
import { normalizeDncPhone } from './dnc.ts';
import { problemResponses } from './problem-responses.ts';

/** 10,000 rows with long reasons fit; the whole file is held in memory, so it is bounded. */
export const DNC_IMPORT_BODY_LIMIT = 8 * 1024 * 1024;

const COLUMNS = ['phone', 'reason', 'locale'] as const;
type Column = (typeof COLUMNS)[number];
const locales = compileValidator(DncLocale);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export const dncImportRoute: FastifyPluginAsyncTypebox<{ sql: Sql; now: () => Date }> = async (app, deps) => {
  // In this scope only: the CSV arrives as bytes, like JSON elsewhere, so that authenticate checks the
  // signature over exactly what was sent; it is read as text only after that. JSON is not taken here.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    DNC_IMPORT_CONTENT_TYPE,
    { parseAs: 'buffer', bodyLimit: DNC_IMPORT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    // "::" is find-my-way's escape for a literal ":" in a path.
    '/v1/dnc::import',
    {
      bodyLimit: DNC_IMPORT_BODY_LIMIT,
      // Runs after the scope's authenticate hook: nothing unsigned is decoded.
      preValidation: async (request: FastifyRequest) => {
        request.body = decodeCsv(request.rawBody);
      },
      schema: {
        summary: "Put the numbers of a CSV file on the tenant's do-not-call list",
        description: `Valid rows are stored in one transaction; numbers already listed are left as they are. Invalid rows are not stored and are reported by line. At most ${MAX_DNC_IMPORT_ROWS} data rows per request (413 above that: split the file).`,
        tags: ['do-not-call'],
        security: [{ signature: [] }],
        consumes: [DNC_IMPORT_CONTENT_TYPE],
        body: DncImportCsv,
        response: {
          200: DncImportReport,
          ...problemResponses(400, 401, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request): Promise<DncImportReport> => {
      const [header, ...rows] = readRecords(request.body);
      const columns = header ? columnsOf(header.fields) : undefined;
      if (header === undefined || columns?.phone === undefined) {
        throw new ProblemError('validation-error', 'The file has no phone column', [
          fieldError(
            'phone',
            `is missing from the header row${header ? ` (line ${header.line})` : ''}; the first row names the columns: phone, and optionally reason and locale`,
          ),
        ]);
      }
      if (rows.length > MAX_DNC_IMPORT_ROWS) {
        throw new ProblemError(
          'payload-too-large',
          `The file has ${rows.length} data rows; one request takes at most ${MAX_DNC_IMPORT_ROWS}. Split the file and send the parts (npm run dnc-import -- --file <file> does it).`,
        );
      }
      const errors: DncImportRowError[] = [];
      const toList = new Map<string, { phoneE164: string; reason: string | null }>();
      let rejected = 0;
      for (const row of rows) {
        const checked = checkRow(row, columns);
        if (!checked.ok) {
          rejected += 1;
          errors.push(...checked.errors);
        } else if (!toList.has(checked.phoneE164)) {
          toList.set(checked.phoneE164, { phoneE164: checked.phoneE164, reason: checked.reason });
        }
      }
      const added = await importDncEntries(deps.sql, {
        tenantId: request.tenantId,
        rows: [...toList.values()],
        source: 'csv-import',
        now: deps.now(),
      });
      request.log.info({ rows: rows.length, added, rejected }, 'do-not-call list imported');
      return { rows: rows.length, added, alreadyListed: rows.length - rejected - added, rejected, errors };
    },
  );
};

function decodeCsv(raw: Buffer): string {
  try {
    return UTF8.decode(raw);
  } catch {
    throw new ProblemError('validation-error', 'The file is not UTF-8 text', [
      fieldError('', 'is not UTF-8; save it as "CSV UTF-8" and send it again'),
    ]);
  }
}

function readRecords(text: string): CsvRecord[] {
  try {
    return parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new ProblemError('validation-error', `The file is not valid CSV: ${error.message}`, [
      fieldError('', error.message),
    ]);
  }
}

/** Where each known column is; names are matched without case or surrounding spaces, the first wins. */
function columnsOf(header: readonly string[]): Partial<Record<Column, number>> {
  const columns: Partial<Record<Column, number>> = {};
  header.forEach((name, index) => {
    const column = COLUMNS.find((known) => known === name.trim().toLowerCase());
    if (column && columns[column] === undefined) columns[column] = index;
  });
  return columns;
}

function checkRow(
  row: CsvRecord,
  columns: Partial<Record<Column, number>>,
): { ok: true; phoneE164: string; reason: string | null } | { ok: false; errors: DncImportRowError[] } {
  const cell = (column: Column) => {
    const index = columns[column];
    return index === undefined ? '' : (row.fields[index] ?? '').trim();
  };
  const phone = cell('phone');
  const reason = cell('reason');
  const locale = cell('locale');
  const errors: DncImportRowError[] = [];
  const reject = (field: Column, value: string, detail: string) =>
    errors.push({ row: row.line, field, value: field === 'locale' ? value : maskValue(value), detail });
  if (reason.length > DNC_REASON_MAX_LENGTH)
    reject('reason', reason, `is longer than ${DNC_REASON_MAX_LENGTH} characters`);
  let phoneE164: string | undefined;
  if (locale && !locales.validate(locale).ok) reject('locale', locale, 'must be a locale such as pl-PL');
  else if (!phone) reject('phone', phone, 'is empty');
  else {
    const normalized = normalizeDncPhone(phone, locale || undefined);
    if (normalized.ok) phoneE164 = normalized.e164;
    else reject('phone', phone, normalized.detail);
  }
  if (errors.length > 0 || !phoneE164) return { ok: false, errors };
  return { ok: true, phoneE164, reason: reason || null };
}

/**
 * The value for a report that may be mailed around: every letter and digit is starred but for the last
 * three digits, which are enough to find the row; spaces and punctuation stay, so the format shows.
 */
export function maskValue(value: string): string {
  let keep = 3;
  const masked = [...value]
    .reverse()
    .map((char) => {
      if (/\d/.test(char) && keep > 0) {
        keep -= 1;
        return char;
      }
      return /[\p{L}\p{N}]/u.test(char) ? '*' : char;
    })
    .reverse()
    .join('');
  return masked.length > 40 ? `...${masked.slice(-37)}` : masked;
}
