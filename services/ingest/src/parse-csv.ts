/** One record of a CSV file: its fields, and the line of the file where it starts (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file that cannot be read as CSV at all (a quoted field that never closes). */
// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}
// jscpd:ignore-end

/**
 * Reads comma-separated text (RFC 4180, as spreadsheets write it): quoted fields may hold commas, line
 * breaks and doubled quotes; lines end in LF or CRLF; a byte order mark at the start is dropped. Blank
 * records (nothing but separators and spaces, as a spreadsheet writes an empty row) are skipped, but
 * they still count as lines, so that `line` is where a person finds the record in an editor.
 * Lenient where spreadsheets are: a quote inside an unquoted field is kept as it is.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (position < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let ended = false;
    while (!ended) {
      if (text[position] === '"' && field === '') {
        // A quoted field: runs to the next quote that is not doubled.
        position += 1;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote === -1) throw new CsvSyntaxError(start, 'a quoted field is never closed');
          const chunk = text.slice(position, quote);
          line += countLineBreaks(chunk);
          field += chunk;
          position = quote + 1;
          if (text[position] !== '"') break;
          field += '"';
          position += 1;
        }
      }
      const char = text[position];
      if (char === undefined) {
        ended = true;
      } else if (char === ',') {
        position += 1;
        fields.push(field);
        field = '';
        continue;
      } else if (char === '\n' || (char === '\r' && text[position + 1] === '\n')) {
        position += char === '\r' ? 2 : 1;
        line += 1;
        ended = true;
      } else {
        // Unquoted text, or text after a closing quote ("a"b reads as ab, as spreadsheets do).
        const stop = nextStop(text, position);
        field += text.slice(position, stop);
        position = stop;
        continue;
      }
      fields.push(field);
    }
    if (fields.some((value) => value.trim() !== '')) records.push({ line: start, fields });
  }
  return records;
}

const STOP = /[,\n]|\r\n/g;

/** Where the unquoted text at `from` ends: the next comma or line end, or the end of the text. */
function nextStop(text: string, from: number): number {
  STOP.lastIndex = from;
  const match = STOP.exec(text);
  return match ? match.index : text.length;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}
