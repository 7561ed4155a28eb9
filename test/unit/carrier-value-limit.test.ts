/**
 * A service's declared-value limit in another currency than the order's compares through the dated exchange rates
 * (issue 17: every USD order dropped every CNY-limited service). Worked by hand from core/data/exchange-rates.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseService, type ShipmentParcel } from '../../src/core/carrier/choose';
import { convertMoney } from '../../src/core/exchange';
import { cainiaoSuperEconomy } from '../../src/core/data/carriers/index';

const NOW = Date.UTC(2026, 10, 20, 2);
const parcel = (declared: ShipmentParcel['declaredValue']): ShipmentParcel => ({
  destinationCountry: 'US',
  grossWeightG: 200,
  dimsMm: [200, 150, 50],
  declaredValue: declared,
});
const reasonsFor = (declared: ShipmentParcel['declaredValue'], at = NOW) =>
  chooseService(parcel(declared), [cainiaoSuperEconomy], [], { now: at }).candidates[0]!.reasons.map((r) => r.code);

describe('declared-value limits across currencies', () => {
  it('a USD order under the CNY limit keeps the service; over it, drops it for its value, not its currency', () => {
    const limit = cainiaoSuperEconomy.limits.maxDeclaredValue!; // 35.00 CNY
    expect(limit.currency).toBe('CNY');
    expect(reasonsFor({ amount: 300, currency: 'USD' })).not.toContain('value-currency');
    expect(reasonsFor({ amount: 300, currency: 'USD' })).not.toContain('value-too-high');
    const over = chooseService(parcel({ amount: 1_290, currency: 'EUR' }), [cainiaoSuperEconomy], [], { now: NOW })
      .candidates[0]!;
    expect(over.reasons.map((r) => r.code)).toContain('value-too-high');
    expect(over.reasons.find((r) => r.code === 'value-too-high')!.message.en).toMatch(/12\.90 EUR \(\d+\.\d\d CNY\)/);
  });

  it('a currency without a rate is still refused, saying so', () => {
    expect(reasonsFor({ amount: 100, currency: 'XDR' })).toContain('value-currency');
  });

  it('drops the service exactly when the converted value is over the limit', () => {
    const limit = cainiaoSuperEconomy.limits.maxDeclaredValue!;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('USD', 'EUR', 'CNY'), (amount, currency) => {
        const converted = convertMoney({ amount, currency }, 'CNY', NOW).to.amount;
        expect(reasonsFor({ amount, currency }).includes('value-too-high')).toBe(converted > limit.amount);
      }),
    );
  });
});
