/**
 * A text cell that a spreadsheet would run as a formula (issue 19, finding 10): one that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return. Every CSV or XLSX shipby writes passes its text cells through `safeCell`, which
 * prefixes such a cell with `'` so Excel, LibreOffice and Google Sheets show it as text (OWASP's advice). A plain
 * number (`-5`, `+3.5`) is left alone: it is no formula, and a seller re-importing the file keeps it.
 */
const FORMULA_LEAD = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function isFormulaLike(text: string): boolean {
  return FORMULA_LEAD.test(text) && !PLAIN_NUMBER.test(text);
}

/** Formula-like after any leading quotes: `=x`, `'=x`, `''=x` (the quoted ones get one more, so nothing is lost). */
function needsQuote(text: string): boolean {
  return isFormulaLike(text.replace(/^'+/, ''));
}

export function safeCell(text: string): string {
  // A text that already looks escaped gets a second quote, so `unescapeCell` gives back exactly what was written.
  return needsQuote(text) ? `'${text}` : text;
}

/** The text of a cell shipby escaped with `safeCell` and a seller fed back (the rejects file, corrected): unescaped. */
export function unescapeCell<T extends string | undefined>(text: T): T {
  return (text !== undefined && text.startsWith("'") && needsQuote(text.slice(1)) ? text.slice(1) : text) as T;
}
