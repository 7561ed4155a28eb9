/** The dashboard's keys for lists without ids: unique, each item in its place, and kept when others come and go. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedByContent } from '../../web/src/keys';

const messages = fc.array(fc.constantFrom('a', 'b', 'c', '{"en":"x"}'), { maxLength: 12 });

describe('keyedByContent', () => {
  it('gives every item a key of its own, the items in their order', () => {
    fc.assert(
      fc.property(messages, (items) => {
        const keyed = keyedByContent(items, (s) => s);
        expect(keyed.map(([, item]) => item)).toEqual(items);
        expect(new Set(keyed.map(([key]) => key)).size).toBe(items.length);
      }),
    );
  });

  it("keeps an item's key when an item of other content is added before it", () => {
    fc.assert(
      fc.property(messages, (items) => {
        const before = keyedByContent(items, (s) => s).map(([key]) => key);
        const after = keyedByContent(['new', ...items], (s) => s).map(([key]) => key);
        expect(after.slice(1)).toEqual(before);
      }),
    );
  });

  it('reads objects by their JSON unless told otherwise', () => {
    expect(keyedByContent([{ en: 'late' }, { en: 'late' }]).map(([key]) => key)).toEqual([
      '{"en":"late"}',
      '{"en":"late"}#1',
    ]);
  });
});
