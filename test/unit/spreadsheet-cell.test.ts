import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFormulaLike, safeCell, unescapeCell } from '../../src/core/spreadsheet-cell';

const lead = fc.constantFrom('=', '+', '-', '@', '\t', '\r');

describe('spreadsheet cells shipby writes', () => {
  it('no escaped cell starts a formula, and every cell that did is kept whole after one quote', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = safeCell(text);
        expect(isFormulaLike(out)).toBe(false);
        expect(/^[=+\-@\t\r]/.test(out) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(out)).toBe(false);
        expect(out === text || out === `'${text}`).toBe(true);
        expect(unescapeCell(out)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('escapes every text that starts with = + - @ tab or CR (the probe: =HYPERLINK, +cmd, @SUM)', () => {
    fc.assert(
      fc.property(
        lead,
        fc.string().filter((s) => !/^\d/.test(s) && !/^\./.test(s)),
        (l, rest) => safeCell(l + rest) === `'${l}${rest}`,
      ),
    );
    for (const probe of [
      '=HYPERLINK("http://evil","x")',
      "+cmd|' /C calc'!A0",
      '@SUM(1+1)*cmd',
      '-2+3+cmd',
      '\t=1',
      '\r=1',
      '+34 600 000 000',
    ]) {
      expect(safeCell(probe)).toBe(`'${probe}`);
    }
  });

  it('leaves plain numbers and ordinary text alone', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (n) => safeCell(String(n)) === String(n) || String(n).startsWith('-Infinity'),
      ),
    );
    for (const text of ['-1', '+3.5', '-0.25', '1e5', 'Calle Mayor 12', "it's", "'quoted"])
      expect(safeCell(text)).toBe(text);
    expect(safeCell("'=already")).toBe("''=already"); // a seller's own quote survives the round trip
  });
});
