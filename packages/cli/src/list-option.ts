/** `a,b` (flags) or `a;b` (CSV cells) as a list; blanks dropped. */
export function splitList(text: string | undefined, separator: ',' | ';'): string[] {
  return (text ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
