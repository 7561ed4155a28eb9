import { describe, expect, it } from 'vitest';
import { englishWords } from '../support/english-words';

describe('englishWords: English left in a Chinese rendering', () => {
  it('finds English words among Chinese, whatever codes, names, units and numbers stand beside them', () => {
    const text =
      '订单 FD-1001 · 店铺 my-shop · 平台状态 WAIT_SELLER_SEND_GOODS · 550 g · US$39.90 · 规则 aliexpress_pop@1 · owner@shipby.local · America/Los_Angeles · 买家 Buyer FD-1001 · 箱子 M · English';
    expect(englishWords(text, ['Buyer FD-1001'])).toEqual([]);
    expect(englishWords('包裹 parcel created · 原因：Packed in M (1, 550 g).', [])).toEqual([
      'parcel',
      'created',
      'Packed',
      'in',
    ]);
    expect(englishWords('Calle Mayor 12, Madrid · 寄件人 My Shop', ['Calle Mayor 12', 'Madrid', 'My Shop'])).toEqual(
      [],
    );
  });
});
