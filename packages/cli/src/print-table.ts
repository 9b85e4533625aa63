/** One column: its heading and how a row shows in it. */
export type Column<T> = readonly [heading: string, cell: (row: T) => unknown];

/** Rows as aligned columns under upper-case headings; "(none)" when there are no rows. */
export function printTable<T>(
  out: (line: string) => void,
  rows: readonly T[],
  columns: readonly Column<T>[],
): void {
  if (rows.length === 0) {
    out('(none)');
    return;
  }
  const cells = rows.map((row) => columns.map(([, cell]) => showCell(cell(row))));
  const headings = columns.map(([heading]) => heading.toUpperCase());
  const widths = headings.map((heading, i) =>
    Math.max(heading.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  out(line(headings));
  for (const values of cells) out(line(values));
}

/** A value as one short cell: dashes for nothing, lists joined, objects as compact JSON. */
export function showCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(showCell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `--json`: the answer as Pronto gave it, for scripts. */
export function printJson(out: (line: string) => void, value: unknown): void {
  out(JSON.stringify(value, null, 2));
}
