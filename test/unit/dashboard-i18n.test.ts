/**
 * The dashboard's dictionaries: every key in both languages, the same placeholders, each string really
 * translated, and no English typed straight into the screens' markup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeholders } from '../../web/src/format';
import { en } from '../../web/src/i18n/en';
import { zhCN } from '../../web/src/i18n/zh-CN';

/** Keys whose text is the same in both languages on purpose (a code, an abbreviation, a brand). */
const SAME_IN_BOTH = new Set(['lines.sku', 'skus.sku', 'provider.kind.seventeen', 'provider.kind.aftership']);
const HAN = /[\u3400-\u9fff]/;

describe('the dashboard dictionaries', () => {
  it('have the same keys in English and Chinese', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('fill the same placeholders in both languages, with no empty text', () => {
    for (const [key, english] of Object.entries(en)) {
      const chinese = (zhCN as Record<string, string>)[key]!;
      expect(english.trim(), key).not.toBe('');
      expect(chinese.trim(), key).not.toBe('');
      expect(placeholders(chinese), key).toEqual(placeholders(english));
    }
  });

  it('translate every string: the Chinese text differs from the English and is written in Chinese', () => {
    const untranslated = Object.entries(en).filter(([key, english]) => {
      if (SAME_IN_BOTH.has(key) || key === 'lang.name') return false;
      const chinese = (zhCN as Record<string, string>)[key]!;
      // A template of placeholders and punctuation only ("{action}: {from} → {to}") has no words to translate.
      const hasWords = /[A-Za-z]/.test(english.replace(/\{\w+\}/g, ''));
      return hasWords && (chinese === english || !HAN.test(chinese));
    });
    expect(untranslated.map(([key]) => key)).toEqual([]);
  });

  it('name each language in its own words for the switch', () => {
    expect(en['lang.name']).toBe('English');
    expect(zhCN['lang.name']).toBe('中文');
  });

  it('leave no English typed straight into the screens (all of it goes through t())', () => {
    const root = path.resolve('web/src');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tsx'));
    const found: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        // Text between tags on one line (<p>Some words</p>), or a JSX text line of its own.
        const inline = [...line.matchAll(/>([A-Za-z][A-Za-z ,.!?'’-]*[A-Za-z.!?])<\//g)].map((m) => m[1]!);
        const own = /^\s+([A-Z][a-z]+(?: [a-z]+)+[.!?]?)\s*$/.exec(line)?.[1];
        for (const text of [...inline, ...(own ? [own] : [])])
          if (text !== 'shipby') found.push(`${file}:${index + 1}: ${text}`);
      });
    }
    expect(found).toEqual([]);
  });
});
