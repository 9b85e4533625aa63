import { CliError } from './cli-context.ts';
import { splitList } from './list-option.ts';
import { readTextFile } from './read-text-file.ts';

/** The body of POST .../agents for one person. */
export interface AgentInput {
  username: string;
  displayName: string;
  password: string;
  sipEndpoint?: string;
  groups: string[];
  languages: string[];
}

/** A CSV row as an agent, and the line it is on, to point at when Pronto refuses it. */
export interface AgentRow {
  line: number;
  agent: AgentInput;
}

export const AGENT_CSV_COLUMNS = [
  'username',
  'displayName',
  'password',
  'sipEndpoint',
  'groups',
  'languages',
];

/** A header row, then one agent a line; groups and languages separated by ';' within their cell. */
export async function readAgentsCsv(path: string): Promise<AgentRow[]> {
  const text = await readTextFile(path);
  let records: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    records = (await import('csv-parse/sync')).parse(text, {
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    });
  } catch (error) {
    throw new CliError(`${path} is not a CSV file this command reads: ${(error as Error).message}`);
  }
  const header = Object.keys(records[0]?.record ?? {});
  const missing = AGENT_CSV_COLUMNS.slice(0, 3).filter(
    (column) => records.length > 0 && !header.includes(column),
  );
  if (missing.length > 0) {
    throw new CliError(
      `${path} lacks the column(s) ${missing.join(', ')}; the header is ${AGENT_CSV_COLUMNS.join(',')}`,
    );
  }
  return records.map(({ record, raw, info }) => ({
    // info.lines is where the record ends; a quoted cell may span lines, and the row is found by where it starts.
    line: info.lines - (raw.replace(/^[\r\n]+|[\r\n]+$/g, '').match(/\n/g)?.length ?? 0),
    agent: {
      username: record.username ?? '',
      displayName: record.displayName ?? '',
      password: record.password ?? '',
      ...(record.sipEndpoint ? { sipEndpoint: record.sipEndpoint } : {}),
      groups: splitList(record.groups, ';'),
      languages: splitList(record.languages, ';'),
    },
  }));
}
