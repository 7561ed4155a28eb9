/**
 * Live quotes, on SQLite AND PostgreSQL: a parcel whose carrier account speaks YunExpress's API is priced by the
 * carrier's freight trial (`Freight/GetPriceTrial`, a local stand-in answering in the documented fields), the
 * contract rates being the fallback: a service the trial does not price, a refusal, or a trial that does not answer
 * in time leaves the contract's price, and the explanation says which, with the reason, in English and Chinese. The
 * sample carrier answers the trial from its own rate cards: live, and the same prices as the contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { presentQuotes, quoteOrder } from '../../src/app/quotes';
import { startSampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { addAwaitingOrder, packAndWeighAll, setUpYunExpressShop } from '../support/pack';
import { startYunExpressStandIn, type StandIn } from '../support/yunexpress-stand-in';

const START = Date.UTC(2026, 10, 25, 2);
const DAY = 86_400_000;

describe.each(backends)('live quotes with the contract as the fallback on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let standIn: StandIn;
  let orderId: number;

  const accountAt = (url: string, accountId: string, apiKey: string) =>
    setCarrierAccount(ctx, { carrier: '*', protocol: 'yunexpress', baseUrl: url, accountId, apiKey });
  /** The same order quoted on the contract alone (no carrier account answers). */
  const contractOnly = () => quoteOrder(ctx, orderId, {}, async () => undefined);
  const candidate = (q: Awaited<ReturnType<typeof quoteOrder>>, service: string) =>
    q.parcels[0]!.choice.candidates.find((c) => c.service === service)!;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    standIn = await startYunExpressStandIn();
    await setUpYunExpressShop(
      ctx,
      'shop',
      { url: standIn.url, customerCode: standIn.customerCode, apiKey: 'stand-in-secret' },
      START,
    );
    orderId = await addAwaitingOrder(ctx, 'shop', 'LQ-1', { now: START, shipInHours: 48, sku: 'SKU-A' });
    await packAndWeighAll(ctx, 'LQ-1');
  });
  afterEach(async () => {
    await standIn.close();
    await dispose();
  });

  it("takes the carrier's freight trial price and days for the service it prices; the others stay on the contract, each said", async () => {
    standIn.priceTrial = (query) => ({
      Items: [
        {
          Code: 'yunexpress-direct',
          CName: '全球专线挂号',
          EName: 'Global Direct Line',
          ShippingFee: 9.34,
          RegistrationFee: 3,
          FuelFee: 0,
          SundryFee: 0,
          TariffPrepayFee: null,
          TotalFee: 12.34,
          DeliveryDays: '5-8',
          Remark: `${query.get('CountryCode')} ${query.get('Weight')} kg`,
        },
      ],
      Code: '0000',
      Message: '提交成功!',
    });
    const quotes = await quoteOrder(ctx, orderId);
    const trial = standIn.calls.find((c) => c.path.startsWith('/api/Freight/GetPriceTrial?'))!;
    const query = new URLSearchParams(trial.path.split('?')[1]);
    expect(query.get('CountryCode')).toBe('ES');
    expect(Number(query.get('Weight')) * 1000).toBe(quotes.parcels[0]!.grossWeightG);
    expect(query.get('PostCode')).toBe('28013');

    const parcel = quotes.parcels[0]!;
    const live = candidate(quotes, 'yunexpress-direct');
    expect(live.quote).toMatchObject({ total: 1234, currency: 'CNY', source: 'live' });
    expect(live.arrivalP90At! - live.pickupAt!).toBe(8 * DAY);
    expect(parcel.choice.service).toBe('yunexpress-direct'); // the cheapest now
    const contract = await contractOnly();
    for (const c of parcel.choice.candidates.filter((c) => c.service !== 'yunexpress-direct')) {
      expect(c.quote?.source).toBeUndefined();
      expect(c.quote?.total).toBe(candidate(contract, c.service).quote?.total);
    }
    expect(parcel.pricing.en).toContain('yunexpress-direct is priced live by its carrier (');
    expect(parcel.pricing.en).toMatch(
      /china-post-registered: the carrier's live quote failed \(YunExpress: the freight trial has no price for china-post-registered \(it priced yunexpress-direct\)\); its contract rates apply\./,
    );
    expect(parcel.pricing['zh-CN']).toContain('实时报价');
    expect(parcel.pricing['zh-CN']).toContain('按合同运价计算');
    const shown = presentQuotes(quotes).parcels[0]!;
    expect(shown.explanation.en).toContain('priced live by its carrier');
    expect(shown.candidates.find((c) => c.service === 'yunexpress-direct')!.cost_source).toBe('live');
    // Not priced live: the rate card's price, named by what the rate card is (this shop's sample rates or a contract).
    expect(['contract', 'sample']).toContain(quotes.source);
    expect(shown.candidates.find((c) => c.service === 'china-post-registered')!.cost_source).toBe(quotes.source);
  });

  it("a refusal of the trial leaves every service on the contract, with the carrier's words", async () => {
    standIn.priceTrial = () => ({ Items: null, Code: '1002', Message: '客户编号或ApiSecret错误' });
    const quotes = await quoteOrder(ctx, orderId);
    const contract = await contractOnly();
    const parcel = quotes.parcels[0]!;
    expect(parcel.choice.service).toBe(contract.parcels[0]!.choice.service);
    expect(parcel.choice.candidates.map((c) => c.quote?.total)).toEqual(
      contract.parcels[0]!.choice.candidates.map((c) => c.quote?.total),
    );
    expect(parcel.choice.candidates.every((c) => c.quote?.source === undefined)).toBe(true);
    expect(parcel.pricing.en).toContain(`${parcel.choice.service} is priced from the contract rates.`);
    expect(parcel.pricing.en).toContain(
      "the carrier's live quote failed (YunExpress: no price — 客户编号或ApiSecret错误)",
    );
    expect(parcel.pricing['zh-CN']).toContain('来自合同运价');
    // Without any account that quotes, the explanation still says the contract priced it, and nothing else.
    expect(contract.parcels[0]!.pricing.en).toBe(
      `${contract.parcels[0]!.choice.service} is priced from the contract rates.`,
    );
  });

  it('a trial that does not answer in time falls back to the contract, saying so', async () => {
    standIn.priceTrial = 'hang';
    const quotes = await quoteOrder(ctx, orderId, { liveQuoteTimeoutMs: 300 });
    const parcel = quotes.parcels[0]!;
    expect(parcel.choice.candidates.every((c) => c.quote?.source === undefined)).toBe(true);
    expect(parcel.pricing.en).toMatch(/did not answer within 300 ms\); its contract rates apply/);
    expect(parcel.choice.service).toBe((await contractOnly()).parcels[0]!.choice.service);
  });

  it('the sample carrier answers the trial from its rate cards: every service it takes is live, at the contract’s price', async () => {
    const sample = await startSampleCarrierServer({ apiKey: 'sample-key' });
    try {
      await accountAt(sample.url, sample.customerCode, 'sample-key');
      const quotes = await quoteOrder(ctx, orderId);
      const contract = await contractOnly();
      const priced = quotes.parcels[0]!.choice.candidates.filter((c) => c.quote);
      expect(priced.length).toBeGreaterThan(1);
      for (const c of priced) {
        expect(c.quote!.source).toBe('live');
        expect(c.quote!.total).toBe(candidate(contract, c.service).quote!.total);
        expect(c.arrivalP90At).toBe(candidate(contract, c.service).arrivalP90At);
      }
      expect(quotes.parcels[0]!.choice.service).toBe(contract.parcels[0]!.choice.service);
    } finally {
      await sample.close();
    }
  });
});
