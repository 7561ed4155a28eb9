import { describe, expect, it } from 'vitest';
import { pickLocale } from '../../src/core/i18n';

describe('pickLocale', () => {
  it.each([
    ['zh_CN.UTF-8', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh-Hans;q=0.5', 'zh-CN'],
    ['en_US.UTF-8', 'en'],
    ['C.UTF-8', 'en'],
    ['fr-FR', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ])('%s → %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });
});
