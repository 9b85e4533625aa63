import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './parse-csv.ts';

describe('parseCsv', () => {
  it('reads a header and rows, each with the line it starts on', () => {
    expect(parseCsv('phone,reason\n+48601234567,asked\n+48601234568,\n')).toEqual([
      { line: 1, fields: ['phone', 'reason'] },
      { line: 2, fields: ['+48601234567', 'asked'] },
      { line: 3, fields: ['+48601234568', ''] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting the lines they span', () => {
    const text = 'phone,reason\n"+48 601 234 567","said ""never"", twice"\n1,"two\nlines"\n2,after\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['phone', 'reason'] },
      { line: 2, fields: ['+48 601 234 567', 'said "never", twice'] },
      { line: 3, fields: ['1', 'two\nlines'] },
      { line: 5, fields: ['2', 'after'] },
    ]);
  });

  it('takes CRLF and LF alike, and a last line without a line break', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,"x\r\ny"\n4,5')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', 'x\r\ny'] },
      { line: 5, fields: ['4', '5'] },
    ]);
  });

  it('skips blank lines and empty spreadsheet rows but keeps counting lines', () => {
    expect(parseCsv('\nphone\n\n \n,,\n"",""\n+48601234567\n\n')).toEqual([
      { line: 2, fields: ['phone'] },
      { line: 7, fields: ['+48601234567'] },
    ]);
  });

  it('drops a byte order mark at the start', () => {
    expect(parseCsv('\uFEFFphone\n1')[0]).toEqual({ line: 1, fields: ['phone'] });
  });

  it('keeps empty fields, quotes inside unquoted text, and text after a closing quote', () => {
    expect(parseCsv(',a,,\n5"6,"x"y,""')).toEqual([
      { line: 1, fields: ['', 'a', '', ''] },
      { line: 2, fields: ['5"6', 'xy', ''] },
    ]);
  });

  it('refuses a quoted field that never closes, naming the line it opens on', () => {
    expect(() => parseCsv('phone\n1\n"2,\n3\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('phone\n1\n"2,\n3\n')).toThrow(/^line 3: a quoted field is never closed$/);
  });

  it('reads an empty text as no records', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});
