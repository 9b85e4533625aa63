import { describe, expect, it } from 'vitest';
import { CsvSplitError, splitDncCsv } from './split-dnc-csv.ts';

describe('splitDncCsv', () => {
  it('repeats the header in each part and keeps the offset from a part line to a file line', () => {
    const file = '\uFEFFphone,reason\r\n1,a\r\n\r\n2,"two\nlines"\r\n3,c\r\n,,\r\n4,d\r\n';
    const { rows, chunks } = splitDncCsv(file, 2);
    expect(rows).toBe(4);
    expect(chunks).toEqual([
      { text: 'phone,reason\n1,a\r\n\r\n2,"two\nlines"\n', rows: 2, lineOffset: 0 },
      { text: 'phone,reason\n3,c\r\n,,\r\n4,d\n', rows: 2, lineOffset: 4 },
    ]);
    // "3,c" and "4,d" are lines 2 and 4 of the second part, lines 6 and 8 of the file.
    expect([2, 4].map((line) => line + (chunks[1]?.lineOffset ?? 0))).toEqual([6, 8]);
  });

  it('skips blank lines before the header', () => {
    const { chunks } = splitDncCsv('\n\nphone\n5\n', 10);
    expect(chunks).toEqual([{ text: 'phone\n5\n', rows: 1, lineOffset: 2 }]);
  });

  it('sends a file without rows as it is, for the server to say what is wrong with it', () => {
    expect(splitDncCsv('number\n', 10)).toEqual({
      rows: 0,
      chunks: [{ text: 'number\n', rows: 0, lineOffset: 0 }],
    });
    expect(splitDncCsv('', 10).chunks).toHaveLength(1);
  });

  it('refuses a quoted field that never closes, naming the line', () => {
    expect(() => splitDncCsv('phone\n1\n"2\n3\n', 10)).toThrow(CsvSplitError);
    expect(() => splitDncCsv('phone\n1\n"2\n3\n', 10)).toThrow(/^line 3: a quoted field is never closed$/);
  });
});
