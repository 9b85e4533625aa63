/** One part of a CSV file: the header, then a run of the file's data rows exactly as they were written. */
export interface CsvChunk {
  text: string;
  /** Data rows in the part (blank lines not counted). */
  rows: number;
  /** Add to a line number in `text` to get the line of the whole file. */
  lineOffset: number;
}

/** A file that cannot be split because a quoted field never closes. */
// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export class CsvSplitError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'CsvSplitError';
  }
}
// jscpd:ignore-end

interface Span {
  line: number;
  start: number;
  end: number;
  blank: boolean;
}

/**
 * Splits a CSV file into parts of at most `rowsPerChunk` data rows, each starting with the header, so that
 * each fits one POST /v1/dnc:import. A row is never cut, even one whose quoted field spans lines, and each
 * part keeps the file's text between its first and last row (blank lines too), so that a line number the
 * server reports for a part is a fixed offset from the line in the file. Rows are read as the server reads
 * them (RFC 4180; a record of nothing but separators and spaces is blank).
 */
export function splitDncCsv(input: string, rowsPerChunk: number): { rows: number; chunks: CsvChunk[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const [header, ...rows] = scan(text).filter((span) => !span.blank);
  // Nothing to split: the server says what is wrong with the header (or that there are no rows).
  if (!header || rows.length === 0) return { rows: 0, chunks: [{ text, rows: 0, lineOffset: 0 }] };
  const headerText = text.slice(header.start, header.end);
  const headerLines = headerText.split('\n').length;
  const chunks: CsvChunk[] = [];
  for (let from = 0; from < rows.length; from += rowsPerChunk) {
    const part = rows.slice(from, from + rowsPerChunk);
    const first = part[0] as Span;
    const last = part[part.length - 1] as Span;
    chunks.push({
      text: `${headerText}\n${text.slice(first.start, last.end)}\n`,
      rows: part.length,
      lineOffset: first.line - (headerLines + 1),
    });
  }
  return { rows: rows.length, chunks };
}

/** The records of the text, where each starts and ends (line break excluded), mirroring the server's parser. */
function scan(text: string): Span[] {
  const spans: Span[] = [];
  let position = 0;
  let line = 1;
  while (position < text.length) {
    const span: Span = { line, start: position, end: text.length, blank: true };
    let fieldEmpty = true;
    for (;;) {
      if (text[position] === '"' && fieldEmpty) {
        position += 1;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote === -1) throw new CsvSplitError(span.line, 'a quoted field is never closed');
          const inside = text.slice(position, quote);
          line += inside.split('\n').length - 1;
          if (inside !== '') fieldEmpty = false;
          if (inside.trim() !== '') span.blank = false;
          position = quote + 1;
          if (text[position] !== '"') break;
          fieldEmpty = false;
          span.blank = false;
          position += 1;
        }
      }
      const char = text[position];
      if (char === undefined) break;
      if (char === ',') {
        position += 1;
        fieldEmpty = true;
      } else if (char === '\n' || (char === '\r' && text[position + 1] === '\n')) {
        span.end = position;
        position += char === '\r' ? 2 : 1;
        line += 1;
        break;
      } else {
        STOP.lastIndex = position;
        const stop = STOP.exec(text)?.index ?? text.length;
        if (text.slice(position, stop).trim() !== '') span.blank = false;
        fieldEmpty = false;
        position = stop;
      }
    }
    spans.push(span);
  }
  return spans;
}

const STOP = /[,\n]|\r\n/g;
