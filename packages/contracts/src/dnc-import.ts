import Type, { type Static } from 'typebox';

/** Data rows one POST /v1/dnc:import takes; larger files are split (npm run dnc-import does it). */
export const MAX_DNC_IMPORT_ROWS = 10_000;

export const DNC_IMPORT_CONTENT_TYPE = 'text/csv';

/** The CSV body, described for the OpenAPI document; the route reads the signed bytes as UTF-8. */
export const DncImportCsv = Type.String({
  description: `CSV, UTF-8, comma-separated, with a header row that has a \`phone\` column and optionally \`reason\` and \`locale\` (e.g. pl-PL, for national numbers). Quoted fields may hold commas, doubled quotes and line breaks; blank lines are skipped. At most ${MAX_DNC_IMPORT_ROWS} data rows.`,
  examples: [
    'phone,reason,locale\n+48 601 234 567,asked on the phone,\n601 234 568,"complaint, by letter",pl-PL\n',
  ],
});

export const DncImportRowError = Type.Object({
  row: Type.Integer({ description: 'The line of the file where the row starts; the header is line 1.' }),
  field: Type.String({ description: 'The column: phone, reason or locale.' }),
  value: Type.String({ description: 'The value as sent, masked but for its last 3 digits.' }),
  detail: Type.String(),
});
export type DncImportRowError = Static<typeof DncImportRowError>;

export const DncImportReport = Type.Object({
  rows: Type.Integer({ description: 'Data rows in the file (blank lines not counted).' }),
  added: Type.Integer({ description: 'Numbers newly put on the list.' }),
  alreadyListed: Type.Integer({
    description: 'Valid rows whose number was on the list already, or earlier in the same file.',
  }),
  rejected: Type.Integer({ description: 'Rows not stored; `errors` says why.' }),
  errors: Type.Array(DncImportRowError),
});
export type DncImportReport = Static<typeof DncImportReport>;
