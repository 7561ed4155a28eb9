/**
 * Hold, release and address edits over HTTP (issue 17), on both backends: each recorded on the timeline; a held
 * order is not packed or labelled; the address changes until a label carries it, then 409 and nothing changes.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { buildServer } from '../../src/http/server';
import type { SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { addAwaitingOrder, packAndLabel, setUpSampleShipping } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);
const ADDRESS = {
  buyer_name: 'Ana Ruiz',
  buyer_country: 'ES',
  address_line1: 'Gran Vía 1',
  city: 'Madrid',
  postcode: '28013',
  phone: '+34 600 000 001',
};

describe.each(backends)('order edits on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let carrier: SampleCarrierServer;
  const order = (id: string) => addAwaitingOrder(ctx, 'edits', id, { now: START, shipInHours: 48, sku: 'SKU-E' });
  const events = async (id: number) =>
    (await app.inject({ method: 'GET', url: `/orders/${id}` })).json().timeline as Array<{
      kind: string;
      reason: string | null;
    }>;

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    await setSkuDimensions(ctx, [{ sku: 'SKU-E', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
    await order('FIRST'); // the shop exists from its first order
    carrier = await setUpSampleShipping(ctx, 'edits');
    app = await buildServer(ctx, { authentication: false });
  });
  afterAll(async () => {
    await app?.close();
    await carrier?.close();
    await dispose();
  });

  it('holds with a reason, refuses packing and labels while held, and releases', async () => {
    const id = await order('H-1');
    const noReason = await app.inject({ method: 'POST', url: `/orders/${id}/hold`, payload: { reason: ' ' } });
    expect(noReason.statusCode).toBe(409);
    expect(noReason.json().error.rule).toBe('hold.hold.guard');
    const held = await app.inject({
      method: 'POST',
      url: `/orders/${id}/hold`,
      payload: { reason: 'buyer asked to wait' },
    });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json().hold).toMatchObject({ reason: 'buyer asked to wait' });
    const twice = await app.inject({ method: 'POST', url: `/orders/${id}/hold`, payload: { reason: 'again' } });
    expect(twice.statusCode).toBe(409);

    const pack = await app.inject({
      method: 'POST',
      url: '/pack/sessions',
      payload: { order_barcode: 'H-1' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(pack.statusCode).toBe(409);
    expect(pack.json().error.rule).toBe('order.held');
    expect(pack.json().error.messages.en).toMatch(/release it on its order page/);
    expect(pack.json().error.message).toMatch(/暂停/);
    const label = await app.inject({ method: 'POST', url: `/orders/${id}/labels`, payload: {} });
    expect(label.statusCode).toBe(409);
    expect(label.json().error.rule).toBe('order.held');

    const released = await app.inject({ method: 'POST', url: `/orders/${id}/release` });
    expect(released.statusCode).toBe(200);
    expect(released.json().hold).toBeNull();
    expect(
      (await events(id)).filter((e) => e.kind === 'held' || e.kind === 'released').map((e) => [e.kind, e.reason]),
    ).toEqual([
      ['held', 'buyer asked to wait'],
      ['released', 'buyer asked to wait'],
    ]);
    const packed = await app.inject({ method: 'POST', url: '/pack/sessions', payload: { order_barcode: 'H-1' } });
    expect(packed.statusCode, packed.body).toBe(201);
  });

  it('edits the address before a label (timeline: old and new), names the bad field, and refuses after the label', async () => {
    const id = await order('A-1');
    const bad = await app.inject({
      method: 'PUT',
      url: `/orders/${id}/address`,
      payload: { ...ADDRESS, buyer_country: 'XX' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatchObject({ path: 'buyer_country' });
    const edited = await app.inject({ method: 'PUT', url: `/orders/${id}/address`, payload: ADDRESS });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().buyer).toMatchObject({ name: 'Ana Ruiz', address_line1: 'Gran Vía 1', postcode: '28013' });
    const change = (await events(id)).find((e) => e.kind === 'address_changed')!;
    expect(change.reason).toBe('changed: buyer_name, address_line1, phone');

    await packAndLabel(ctx, 'A-1', id);
    const before = await store.db
      .selectFrom('orders')
      .select(['address_line1', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const late = await app.inject({
      method: 'PUT',
      url: `/orders/${id}/address`,
      payload: { ...ADDRESS, address_line1: 'Calle Nueva 5' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.rule).toBe('order.address.labelled');
    expect(late.json().error.messages['zh-CN']).toMatch(/面单/);
    const after = await store.db
      .selectFrom('orders')
      .select(['address_line1', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });
});
