/**
 * What the sync reads from the order detail besides lines and times, on SQLite AND PostgreSQL, against the fake
 * gateway: the semi-managed business model (`extend_map.orderBusinessModel`) as the order's type, which the shop's
 * policy choice maps to its semi-managed policy (no documented field tells JIT from self-send: the shop chooses);
 * the promised delivery days (`freight_commit_day`); a masked address kept as given, with one note on the order.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { getOrderDetail, resolveOrder } from '../../src/app/orders';
import { MASKED_ADDRESS_NOTE, syncShopOrders } from '../../src/app/order-sync';
import { setShopPolicy } from '../../src/app/policies';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import {
  FAKE_APP_KEY,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  TEST_MASTER_KEY,
  connectFakeShop,
} from '../support/outbox-fixtures';

const HOUR = 3_600_000;
let fake: FakeAliExpressServer;
beforeAll(async () => {
  fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    accessTokens: [FAKE_TOKEN],
    seed: 7,
  });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.marketplace.reset();
});

describe.each(backends)('order detail fields on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterEach(async () => {
    await dispose();
  });

  it('a semi-managed order takes the policy the shop chose for its type; the promised days and the masked address are kept, noted once', async () => {
    await setShopPolicy(ctx, 'shop', { by_order_type: { semi_choice_self: 'aliexpress_semi_self_send' } }, 'owner');
    const now = Date.now();
    const semi = fake.marketplace.addOrder(
      {
        order_id: '8190000000400010',
        business_model: 'SEMI_CHOICE_SELF',
        freight_commit_days: 45,
        paid_at: now - 5 * HOUR,
        risk_passed_at: now - 4 * HOUR,
        modified_at: now - 3 * HOUR,
        handling_days: 3,
      },
      now,
    );
    const plain = fake.marketplace.addOrder(
      {
        order_id: '8190000000400020',
        paid_at: now - 5 * HOUR,
        risk_passed_at: now - 4 * HOUR,
        modified_at: now - 3 * HOUR,
        address: {
          contact_person: 'Ana López',
          line1: 'Calle Mayor 12',
          city: 'Madrid',
          postcode: '28013',
          country: 'ES',
          phone_country: '+34',
          mobile: '600111222',
        },
      },
      now,
    );
    fake.marketplace.invalidate();

    const report = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    expect(report).toMatchObject({ status: 'ok', created: 2, skipped: [] });

    const semiRow = await resolveOrder(ctx, semi.orderId, 'shop');
    expect(semiRow).toMatchObject({ order_type: 'semi_choice_self', policy_id: 'aliexpress_semi_self_send' });
    expect(semiRow.address_line1).toContain('****');
    const receipt = await store.db
      .selectFrom('order_receipts')
      .select('freight_commit_days')
      .where('order_id', '=', semiRow.id)
      .executeTakeFirst();
    expect(receipt?.freight_commit_days).toBe(45);
    const plainRow = await resolveOrder(ctx, plain.orderId, 'shop');
    expect(plainRow.order_type).toBeNull();
    expect(plainRow.policy_id).not.toBe('aliexpress_semi_self_send');

    // A second sync of the changed order adds no second note.
    fake.marketplace.setStatus(semi.orderId, 'WAIT_SELLER_SEND_GOODS', Date.now());
    await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    const notes = (await getOrderDetail(ctx, semiRow.id)).timeline.filter((e) => e.kind === 'address_masked');
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0]!.data!)).toEqual({ message: MASKED_ADDRESS_NOTE });
    expect((await getOrderDetail(ctx, plainRow.id)).timeline.filter((e) => e.kind === 'address_masked')).toEqual([]);
  });
});
