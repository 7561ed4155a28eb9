/** core/label-cost.ts: a label over the shop's share of the order's value asks first, compared through the day's rates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertMoney } from '../../src/core/exchange';
import { DEFAULT_LABEL_COST_SHARE_PERCENT, labelCostVerdict } from '../../src/core/label-cost';

const AT = Date.UTC(2026, 11, 7, 4);

describe('label cost verdict', () => {
  it("the issue's case: 367.50 CNY for a 12.90 EUR order asks, in both languages", () => {
    const verdict = labelCostVerdict(
      [{ amount: 36_750, currency: 'CNY' }],
      { amount: 1_290, currency: 'EUR' },
      DEFAULT_LABEL_COST_SHARE_PERCENT,
      AT,
    );
    expect(verdict.needsConfirmation).toBe(true);
    expect(verdict.costInOrderCurrency?.currency).toBe('EUR');
    expect(verdict.message.en).toMatch(
      /^The label costs 367\.50 CNY ≈ [\d.]+ EUR, \d+ % of the order's 12\.90 EUR \(the shop asks above 30 %\)/,
    );
    expect(verdict.message['zh-CN']).toMatch(/请确认购买/);
  });

  it('a currency without a rate asks rather than guesses', () => {
    expect(
      labelCostVerdict([{ amount: 100, currency: 'XDR' }], { amount: 10_000, currency: 'USD' }, 30, AT)
        .needsConfirmation,
    ).toBe(true);
  });

  it('asks exactly when the converted cost is over the share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (costs, value, percent) => {
          const verdict = labelCostVerdict(
            costs.map((amount) => ({ amount, currency: 'CNY' })),
            { amount: value, currency: 'USD' },
            percent,
            AT,
          );
          const total = costs.reduce(
            (sum, amount) => sum + convertMoney({ amount, currency: 'CNY' }, 'USD', AT).to.amount,
            0,
          );
          expect(verdict.needsConfirmation).toBe(total * 100 > value * percent);
          expect(verdict.costInOrderCurrency).toEqual({ amount: total, currency: 'USD' });
        },
      ),
    );
  });
});
