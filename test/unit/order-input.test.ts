import { describe, expect, it } from 'vitest';
import { formatMoney, parseMajorAmount } from '../../src/core/money';
import { parseLineFields, parseOrderFields, type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import { parseDuration, parseInstant } from '../../src/core/time';

const base = {
  order_id: 'A-1',
  platform: 'aliexpress',
  status: 'WAIT_SELLER_SEND_GOODS',
  paid_at: '2026-03-07 10:00:00',
  buyer_name: 'Maria',
  buyer_country: 'es',
  address_line1: 'Calle 1',
  city: 'Madrid',
  currency: 'usd',
  sku: 'SKU-1',
  quantity: '2',
  unit_price: '3.99',
};

describe('timestamps', () => {
  it('reads bare AliExpress times as US Pacific, across the DST switch', () => {
    // 2026-03-08 02:00 PST → PDT. Before: UTC-8, after: UTC-7.
    expect(new Date(parseInstant('2026-03-07 10:00:00', 'America/Los_Angeles')!).toISOString()).toBe(
      '2026-03-07T18:00:00.000Z',
    );
    expect(new Date(parseInstant('2026-03-09 10:00:00', 'America/Los_Angeles')!).toISOString()).toBe(
      '2026-03-09T17:00:00.000Z',
    );
  });
  it('honours offsets and Z, and refuses bad dates and bare times without a zone', () => {
    expect(parseInstant('2026-11-20T10:00:00+08:00')).toBe(Date.UTC(2026, 10, 20, 2));
    expect(parseInstant('2026-11-20T10:00:00.5Z')).toBe(Date.UTC(2026, 10, 20, 10, 0, 0, 500));
    expect(parseInstant('2026-02-30T10:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-11-20 10:00:00')).toBeUndefined();
    expect(parseInstant('yesterday', 'America/Los_Angeles')).toBeUndefined();
  });
  it('parses durations', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1d12h')).toBe(1.5 * 86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
});

describe('money', () => {
  it('parses amounts into minor units by currency, without floats', () => {
    expect(parseMajorAmount('3.99', 'USD')).toBe(399);
    expect(parseMajorAmount('0.1', 'USD')).toBe(10);
    expect(parseMajorAmount('1500', 'JPY')).toBe(1500);
    expect(parseMajorAmount('1.5', 'JPY')).toBeUndefined();
    expect(parseMajorAmount('1.234', 'KWD')).toBe(1234);
    expect(parseMajorAmount('1,299.00', 'USD')).toBeUndefined();
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toBe('1.234 KWD');
  });
});

describe('order rows', () => {
  it('normalises a good row', () => {
    const issues: ImportIssue[] = [];
    const fields = parseOrderFields(base, 2, issues)!;
    expect(issues).toEqual([]);
    expect(fields).toMatchObject({
      platformOrderId: 'A-1',
      status: 'awaiting_shipment',
      currency: 'USD',
      buyer: { country: 'ES' },
    });
    expect(parseLineFields(base, 2, 'USD', issues)).toEqual({ sku: 'SKU-1', quantity: 2, unitPrice: 399 });
  });

  it('reads the second address line and the state or province, both optional', () => {
    const issues: ImportIssue[] = [];
    const full = parseOrderFields(
      { ...base, address_line2: ' Piso 3, puerta B ', state: 'Comunidad de Madrid' },
      2,
      issues,
    )!;
    expect(full.buyer).toMatchObject({ addressLine2: 'Piso 3, puerta B', state: 'Comunidad de Madrid' });
    expect(parseOrderFields(base, 3, issues)!.buyer).toMatchObject({ addressLine2: null, state: null });
    parseOrderFields({ ...base, state: 'x'.repeat(201) }, 4, issues);
    expect(issues).toEqual([expect.objectContaining({ row: 4, field: 'state' })]);
  });

  it.each([
    ['order_id', { order_id: '' }, /order_id is required/],
    ['quantity', { quantity: '0' }, /quantity "0"/],
    ['quantity', { quantity: '-3' }, /quantity "-3"/],
    ['currency', { currency: 'XYZ' }, /not an ISO 4217/],
    ['paid_at', { paid_at: '2026-13-01 10:00:00' }, /not a valid date/],
    ['buyer_country', { buyer_country: 'XX' }, /ISO 3166/],
    ['status', { status: 'SHIPPED_BY_MAGIC' }, /not a known aliexpress order status/],
    ['handling_days', { handling_days: '0' }, /from 1 to 90/],
    ['unit_price', { unit_price: 'free' }, /not an amount in USD/],
    [
      'shipped_at',
      { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: 'yesterday' },
      /shipped_at "yesterday" is not a valid date/,
    ],
    [
      'shipped_at',
      { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-03-07 09:59:59' },
      /shipped_at is earlier than paid_at/,
    ],
    ['order_type', { order_type: 'Self Send' }, /order_type "Self Send" must be a type name/],
    ['cancel_requested_at', { cancel_requested_at: 'soon' }, /cancel_requested_at "soon" is not a valid date/],
    [
      'cancel_requested_at',
      { cancel_requested_at: '2026-03-07 09:59:59' },
      /cancel_requested_at is earlier than paid_at/,
    ],
  ])('names the field %s', (field, change, message) => {
    const issues: ImportIssue[] = [];
    const raw = { ...base, ...change };
    const fields = parseOrderFields(raw, 7, issues);
    parseLineFields(raw, 7, fields?.currency ?? 'USD', issues);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ row: 7, field });
    expect(issues[0]!.message.en).toMatch(message);
    expect(issues[0]!.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it("reads the optional cancel_requested_at (the buyer's cancellation request) like every platform time; absent, the field is not there", () => {
    const issues: ImportIssue[] = [];
    expect(
      parseOrderFields({ ...base, cancel_requested_at: '2026-03-09 08:30:00' }, 2, issues)!.cancelRequestedAt,
    ).toBe(Date.UTC(2026, 2, 9, 15, 30));
    expect(parseOrderFields(base, 2, issues)).not.toHaveProperty('cancelRequestedAt');
    expect(issues).toEqual([]);
  });

  it('reads the optional shipped_at as the platform writes it (bare = US Pacific) or with an offset; absent = null', () => {
    const issues: ImportIssue[] = [];
    expect(
      parseOrderFields({ ...base, status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-03-09 08:30:00' }, 2, issues),
    ).toMatchObject({ status: 'shipped', shippedAt: Date.UTC(2026, 2, 9, 15, 30) });
    // 2026-03-08 is the spring switch in Los Angeles: before it PST (-08:00), after it PDT (-07:00).
    expect(parseOrderFields({ ...base, status: 'FINISH', shipped_at: '2026-03-07 23:00:00' }, 2, issues)).toMatchObject(
      { status: 'completed', shippedAt: Date.UTC(2026, 2, 8, 7) },
    );
    expect(parseOrderFields({ ...base, shipped_at: '2026-03-08T01:00:00Z' }, 2, issues)!.shippedAt).toBe(
      Date.UTC(2026, 2, 8, 1),
    );
    expect(parseOrderFields(base, 2, issues)!.shippedAt).toBeNull();
    expect(issues).toEqual([]);
    // The payment instant itself is a valid ship time; in JSON the field is named at its path.
    const json: ImportIssue[] = [];
    const { sku: _s, quantity: _q, unit_price: _u, ...orderOnly } = base;
    expect(
      parseJsonOrder(
        {
          ...orderOnly,
          status: 'WAIT_BUYER_ACCEPT_GOODS',
          shipped_at: base.paid_at,
          lines: [{ sku: 'A', quantity: 1, unit_price: 1 }],
        },
        'orders[0]',
        1,
        json,
      )!.shippedAt,
    ).toBe(Date.UTC(2026, 2, 7, 18));
    parseJsonOrder(
      { ...orderOnly, shipped_at: '2026-03-01 10:00:00', lines: [{ sku: 'A', quantity: 1, unit_price: 1 }] },
      'orders[0]',
      3,
      json,
    );
    expect(json).toMatchObject([{ row: 3, field: 'orders[0].shipped_at' }]);
    expect(json[0]!.message.en).toMatch(/^orders\[0\]\.shipped_at is earlier than paid_at/);
    expect(json[0]!.message['zh-CN']).toMatch(/早于 paid_at/);
  });

  it('reports JSON problems at their path, all of them at once', () => {
    const issues: ImportIssue[] = [];
    const order = parseJsonOrder(
      {
        ...base,
        sku: undefined,
        quantity: undefined,
        unit_price: undefined,
        buyer_country: 'XX',
        surprise: 1,
        lines: [
          { sku: 'A', quantity: 0, unit_price: 1 },
          { sku: 'A', quantity: 1, unit_price: 1 },
        ],
      },
      'orders[3]',
      4,
      issues,
    );
    expect(order).toBeUndefined();
    expect(issues.map((i) => i.field)).toEqual([
      'orders[3].sku',
      'orders[3].quantity',
      'orders[3].unit_price',
      'orders[3].surprise',
    ]);
    const second: ImportIssue[] = [];
    const { sku: _s, quantity: _q, unit_price: _u, ...orderOnly } = base;
    parseJsonOrder(
      { ...orderOnly, buyer_country: 'XX', lines: [{ sku: 'A', quantity: 0, unit_price: 1 }] },
      'orders[0]',
      1,
      second,
    );
    expect(second.map((i) => i.field)).toEqual(['orders[0].buyer_country', 'orders[0].lines[0].quantity']);
  });
});
