/**
 * Registration, polling and webhooks against local stand-ins that speak the providers' real protocols (17TRACK API
 * v2.4 and v2.2, AfterShip 2025-01), on SQLite AND PostgreSQL: the exact requests shipby sends (path, headers, body),
 * the documented answers (test/fixtures/tracking) ingested, polling stopped after delivery, one poller per parcel,
 * and the documented AfterShip webhook taken over HTTP (a byte changed: 401, stored nowhere; a retry: 200, once);
 * 17TRACK pushes with a bad signature or of an unknown shape, an unreadable event set aside, and deliveries leased by
 * a process that died taken over.
 */
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { connectShop } from '../../src/app/marketplace';
import { upsertOrders } from '../../src/app/orders';
import { markParcelShipped } from '../../src/app/shipments';
import { registerParcels } from '../../src/app/tracking';
import { registerWithProviders, retryRegistrations } from '../../src/app/tracking';
import { deliveryDrainerOf, processDeliveries } from '../../src/app/tracking';
import { claimPolls, pollDueParcels } from '../../src/app/tracking';
import { saveProvider } from '../../src/app/tracking';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { makeS10 } from '../../src/core/tracking/s10';
import { buildServer } from '../../src/http/server';
import { AFTERSHIP_SIGNATURE_HEADER, afterShipSignature } from '../../src/integrations/tracking/aftership';
import type { Store } from '../../src/store/database';
import { order, type PostOptions, postSeventeen } from '../support/tracking-world';
import { backends, contextFor, manualClock } from '../support/backends';
import { CN_ES_EVENTS, cnEsWebhook } from '../support/tracking-history-cn-es';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/tracking', `${name}.json`), 'utf8');
const SECRET = 'aftership-webhook-secret-0001';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server answering with `answer`, keeping every request it got. */
async function standIn(answer: (request: Seen) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const { status, body } = answer(request);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(backends)('tracking providers in their own protocols on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(Date.UTC(2026, 10, 2, 0));
  const ids = new Map<string, number>();

  async function ship(platformId: string, number: string) {
    return (
      await markParcelShipped(
        ctx,
        {
          orderId: ids.get(platformId)!,
          trackingNumber: number,
          serviceName: 'CPAM',
          carrier: 'china-post',
          lastParcel: true,
        },
        'test',
      )
    ).parcelId;
  }
  const trackingOf = (parcelId: number) =>
    store.db.selectFrom('parcel_tracking').selectAll().where('parcel_id', '=', parcelId).executeTakeFirstOrThrow();
  /** A delivery signed as 17TRACK signs it, to the webhooks-only provider `sample`. */
  const post17 = (body: string, options?: PostOptions) =>
    postSeventeen(app, body, { ...options, secret: options?.secret ?? SECRET });
  /** AfterShip at a stand-in, polled or webhook-only (it then learns a number from its registration alone). */
  const saveAfterShip = (baseUrl: string, options: { polls: boolean }) =>
    saveProvider(ctx, {
      name: 'aftership',
      kind: 'aftership',
      baseUrl,
      apiKey: 'as-key-1',
      webhookSecret: SECRET,
      polls: options.polls,
    });
  const stopPolling = async () =>
    store.db.updateTable('tracking_providers').set({ polls: 0, api_key: null, base_url: null }).execute();

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    await app.ready();
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'ae',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    const result = await upsertOrders(
      ctx,
      'ae',
      ['S1', 'S2', 'A1', 'A2', 'C1', 'C2', 'C3', 'R1'].map((id) => order(id)),
      'test',
    );
    for (const [k, v] of result.ids) ids.set(k, v);
    await saveProvider(ctx, { name: 'sample', kind: 'seventeen', webhookSecret: SECRET });
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it('17TRACK v2.4: registers a bought label with the carrier key and 17token, polls gettrackinfo, ingests the answer', async () => {
    const number = makeS10(30_000_001, 'RR', 'CN');
    const documented = JSON.parse(fixture('seventeen-v2.4-gettrackinfo-response')) as {
      data: { accepted: Array<{ number: string }> };
    };
    documented.data.accepted[0]!.number = number;
    const server = await standIn((req) =>
      req.url.endsWith('/register')
        ? { status: 200, body: { code: 0, data: { accepted: [{ origin: 1, number, carrier: 3011 }], rejected: [] } } }
        : { status: 200, body: documented },
    );
    try {
      await saveProvider(ctx, {
        name: 'seventeen',
        kind: 'seventeen',
        baseUrl: server.url,
        apiKey: 'token-17',
        apiVersion: 'v2.4',
        webhookSecret: SECRET,
        polls: true,
      });
      const parcelId = await ship('S1', number);
      expect(await registerParcels(ctx)).toBe(1);
      expect(server.seen).toHaveLength(1);
      expect(server.seen[0]).toMatchObject({
        method: 'POST',
        url: '/track/v2.4/register',
        headers: { '17token': 'token-17', 'content-type': 'application/json' },
      });
      expect(JSON.parse(server.seen[0]!.body)).toEqual([{ number, carrier: 3011 }]);

      const report = await pollDueParcels(ctx);
      expect(server.seen[1]).toMatchObject({
        method: 'POST',
        url: '/track/v2.4/gettrackinfo',
        headers: { '17token': 'token-17' },
      });
      expect(JSON.parse(server.seen[1]!.body)).toEqual([{ number }]);
      expect(report).toMatchObject({ polled: 1, refused: 0, ingest: { stored: 2 } });
      expect(await trackingOf(parcelId)).toMatchObject({
        status: 'delivered',
        delivered_at: Date.UTC(2026, 10, 14, 10, 2),
        raw_substatus: 'Delivered_Other',
      });
      // Delivered: polled on the cadence until 30 days after, then never again.
      clock.set(Date.UTC(2026, 10, 14, 10, 2) + 31 * DAY_MS);
      await pollDueParcels(ctx);
      expect((await trackingOf(parcelId)).next_poll_at).toBeNull();
      const asked = server.seen.length;
      clock.advance(10 * DAY_MS);
      expect((await pollDueParcels(ctx)).polled).toBe(0);
      expect(server.seen).toHaveLength(asked);
    } finally {
      await server.close();
      await stopPolling();
    }
  });

  it('17TRACK v2.2 on its own path when so configured; a refused number and a provider error are reported, not thrown', async () => {
    clock.set(Date.UTC(2026, 10, 3, 0));
    const number = makeS10(30_000_002, 'RR', 'CN');
    const server = await standIn((req) =>
      req.url.endsWith('/register')
        ? {
            status: 200,
            body: {
              code: 0,
              data: {
                accepted: [],
                rejected: [
                  { number, error: { code: -18010013, message: `The tracking number '${number}' is invalid.` } },
                ],
              },
            },
          }
        : { status: 401, body: { code: -18010002, message: 'Access key is invalid.' } },
    );
    try {
      await saveProvider(ctx, {
        name: 'seventeen',
        kind: 'seventeen',
        baseUrl: server.url,
        apiKey: 'token-17',
        apiVersion: 'v2.2',
        webhookSecret: SECRET,
        polls: true,
      });
      await ship('S2', number);
      let outcome: unknown;
      await registerParcels(ctx, { onRegistered: (r) => (outcome = r) });
      expect(server.seen[0]!.url).toBe('/track/v2.2/register');
      expect(outcome).toEqual([
        {
          provider: 'seventeen',
          registered: 0,
          refused: [{ number, reason: `The tracking number '${number}' is invalid.` }],
          error: null,
        },
      ]);
      await expect(pollDueParcels(ctx)).rejects.toThrow(/17TRACK \/track\/v2\.2\/gettrackinfo: Access key is invalid/);
      // The claim is released even so: the next run may poll it.
      expect(await store.db.selectFrom('tracking_poll_claims').selectAll().execute()).toEqual([]);
    } finally {
      await server.close();
      await stopPolling();
    }
  });

  it('AfterShip 2025-01: creates the tracking with the slug and as-api-key (4003 is no error), polls GET trackings, ingests', async () => {
    clock.set(Date.UTC(2026, 10, 4, 0));
    const number = makeS10(30_000_003, 'RR', 'CN');
    const documented = JSON.parse(fixture('aftership-2025-01-get-trackings-response')) as {
      data: { trackings: Array<{ tracking_number: string }> };
    };
    documented.data.trackings[0]!.tracking_number = number;
    let created = 0;
    const server = await standIn((req) => {
      if (req.method === 'POST')
        return created++ === 0
          ? { status: 201, body: JSON.parse(fixture('aftership-2025-01-create-tracking-response')) }
          : { status: 400, body: JSON.parse(fixture('aftership-2025-01-tracking-exists-response')) };
      return { status: 200, body: documented };
    });
    try {
      await saveAfterShip(server.url, { polls: true });
      const parcelId = await ship('A1', number);
      let outcome: unknown;
      await registerParcels(ctx, { onRegistered: (r) => (outcome = r) });
      expect(server.seen[0]).toMatchObject({
        method: 'POST',
        url: '/tracking/2025-01/trackings',
        headers: { 'as-api-key': 'as-key-1', 'content-type': 'application/json' },
      });
      expect(JSON.parse(server.seen[0]!.body)).toEqual({ tracking_number: number, slug: 'china-post' });
      expect(outcome).toEqual([{ provider: 'aftership', registered: 1, refused: [], error: null }]);
      // Told again (another process, a retry): AfterShip answers 4003 "Tracking already exists", which is no error.
      expect(await registerWithProviders(ctx, [{ number, carrier: 'china-post' }])).toEqual([
        { provider: 'aftership', registered: 1, refused: [], error: null },
      ]);
      server.seen.splice(1, 1);

      const report = await pollDueParcels(ctx);
      expect(server.seen[1]).toMatchObject({
        method: 'GET',
        url: `/tracking/2025-01/trackings?tracking_numbers=${number}&limit=200`,
        headers: { 'as-api-key': 'as-key-1' },
      });
      expect(server.seen[1]!.body).toBe('');
      expect(report).toMatchObject({ polled: 1, registered: 0, ingest: { stored: 3 } });
      expect(await trackingOf(parcelId)).toMatchObject({
        status: 'in_transit',
        first_scan_at: Date.UTC(2024, 1, 20, 23, 11, 46),
      });
    } finally {
      await server.close();
      await stopPolling();
    }
  });

  it('retries a failed registration with a webhook-only provider, with backoff, until the provider takes the number', async () => {
    clock.set(Date.UTC(2026, 10, 5, 0));
    const number = makeS10(30_000_021, 'RR', 'CN');
    let failures = 2;
    const server = await standIn((req) => {
      if (req.method !== 'POST') return { status: 404, body: {} };
      if (failures-- > 0)
        return {
          status: 500,
          body: {
            meta: { code: 500, type: 'InternalError', message: 'Something went wrong on AfterShip side.' },
            data: {},
          },
        };
      return { status: 201, body: JSON.parse(fixture('aftership-2025-01-create-tracking-response')) };
    });
    const registration = () =>
      store.db
        .selectFrom('tracking_registrations')
        .selectAll()
        .where('provider', '=', 'aftership')
        .where('tracking_number', '=', number)
        .executeTakeFirstOrThrow();
    try {
      // Webhook-only: it never polls, so it learns the number from the registration alone.
      await saveAfterShip(server.url, { polls: false });
      await ship('R1', number);
      let outcome: Array<{ error: string | null }> = [];
      await registerParcels(ctx, { onRegistered: (r) => (outcome = r) });
      expect(outcome).toHaveLength(1);
      expect(outcome[0]!.error).not.toBeNull();
      // Settled back to the queue: no one holds it while it waits out its backoff.
      expect(await registration()).toMatchObject({
        status: 'pending',
        attempts: 1,
        next_attempt_at: clock.now() + 60_000,
        lease_owner: null,
        lease_until: null,
      });
      // Not due yet: nothing is sent.
      expect(await retryRegistrations(ctx)).toEqual([]);
      expect(server.seen).toHaveLength(1);
      // Due: sent again, fails again, and waits twice as long.
      clock.advance(60_000);
      await retryRegistrations(ctx);
      expect(await registration()).toMatchObject({
        status: 'pending',
        attempts: 2,
        next_attempt_at: clock.now() + 120_000,
      });
      clock.advance(120_000);
      expect(await retryRegistrations(ctx)).toEqual([
        { provider: 'aftership', registered: 1, refused: [], error: null },
      ]);
      expect(await registration()).toMatchObject({
        status: 'registered',
        attempts: 3,
        next_attempt_at: null,
        last_error: null,
        lease_owner: null,
      });
      expect(server.seen.map((r) => JSON.parse(r.body))).toEqual(
        Array(3).fill({ tracking_number: number, slug: 'china-post' }),
      );
      // Settled: never sent again.
      clock.advance(24 * HOUR_MS);
      expect(await retryRegistrations(ctx)).toEqual([]);
    } finally {
      await server.close();
      await stopPolling();
    }
  });

  it('takes over at once a registration leased by a process that died; a lease held elsewhere is left to its holder', async () => {
    clock.set(Date.UTC(2026, 10, 6, 0));
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // a process of this host that has ended
    const server = await standIn((req) =>
      req.method === 'POST'
        ? { status: 201, body: JSON.parse(fixture('aftership-2025-01-create-tracking-response')) }
        : { status: 404, body: {} },
    );
    const leased = (number: string, owner: string) => ({
      provider: 'aftership',
      tracking_number: number,
      carrier: 'china-post',
      status: 'pending',
      attempts: 1,
      next_attempt_at: clock.now() - 1,
      last_error: null,
      lease_owner: owner,
      lease_until: clock.now() + 60_000,
      created_at: clock.now(),
      updated_at: clock.now(),
    });
    const orphan = makeS10(30_000_022, 'RR', 'CN');
    const held = makeS10(30_000_023, 'RR', 'CN');
    try {
      await saveAfterShip(server.url, { polls: false });
      await store.db
        .insertInto('tracking_registrations')
        .values([leased(orphan, `${hostname()}:${dead}:abcdef`), leased(held, 'another-host:4242:abcdef')])
        .execute();
      expect(await retryRegistrations(ctx)).toEqual([
        { provider: 'aftership', registered: 1, refused: [], error: null },
      ]);
      expect(server.seen.map((r) => JSON.parse(r.body).tracking_number)).toEqual([orphan]);
      const after = await store.db
        .selectFrom('tracking_registrations')
        .select(['tracking_number', 'status', 'attempts', 'lease_owner'])
        .where('tracking_number', 'in', [orphan, held])
        .orderBy('tracking_number')
        .execute();
      expect(after).toEqual([
        { tracking_number: orphan, status: 'registered', attempts: 2, lease_owner: null },
        { tracking_number: held, status: 'pending', attempts: 1, lease_owner: 'another-host:4242:abcdef' },
      ]);
    } finally {
      await store.db.deleteFrom('tracking_registrations').where('tracking_number', 'in', [orphan, held]).execute();
      await server.close();
      await stopPolling();
    }
  });

  it("takes AfterShip's documented webhook over HTTP: signed, once; a byte changed is 401 and stored nowhere", async () => {
    await saveProvider(ctx, { name: 'aftership', kind: 'aftership', webhookSecret: SECRET });
    const body = fixture('aftership-2025-01-webhook-tracking-update');
    const post = (payload: string, signature: string) =>
      app.inject({
        method: 'POST',
        url: '/tracking/webhooks/aftership',
        payload,
        headers: { 'content-type': 'application/json', [AFTERSHIP_SIGNATURE_HEADER]: signature },
      });
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('tracking_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const tampered = body.replace('Accepted at USPS Origin Facility', 'Accepted at USPS Origin Facilitz');
    expect((await post(tampered, afterShipSignature(SECRET, body))).statusCode).toBe(401);
    expect(await count()).toBe(before);
    const first = await post(body, afterShipSignature(SECRET, body));
    expect(first.statusCode).toBe(202);
    // AfterShip retries for days; a retry of the same event (same event_id) is acknowledged and not taken twice.
    const retry = await post(body, afterShipSignature(SECRET, body));
    expect(retry.statusCode).toBe(200);
    expect(await count()).toBe(before + 1);
    await deliveryDrainerOf(ctx).idle();
    const stored = await store.db
      .selectFrom('tracking_deliveries')
      .select(['status', 'events', 'notes', 'signature'])
      .where('id', '=', first.json().delivery_id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      status: 'processed',
      events: 2,
      signature: 'event:3f645f5e-530b-4062-8695-db6a64420af8',
    });
    expect(JSON.parse(stored.notes!).flagged.map((f: { flag: string }) => f.flag)).toEqual([
      'no offset: read as UTC',
      'no offset: read as UTC',
    ]);
    const events = await store.db
      .selectFrom('tracking_events')
      .select(['carrier', 'occurred_at', 'provider'])
      .where('tracking_number', '=', '9361289676091361892011')
      .orderBy('occurred_at')
      .execute();
    expect(events).toEqual([
      { carrier: 'usps', occurred_at: Date.UTC(2021, 0, 2, 14, 1), provider: 'aftership' },
      { carrier: 'usps', occurred_at: Date.UTC(2021, 0, 2, 20, 43), provider: 'aftership' },
    ]);
  });

  it('refuses bad signatures (stored nowhere), bodies of an unknown shape (400, kept with their provider), unknown providers; sets a bad event aside', async () => {
    const before = Number(
      (
        await store.db
          .selectFrom('tracking_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const body = cnEsWebhook(CN_ES_EVENTS.slice(0, 2), makeS10(30_000_099, 'RR', 'CN'));
    expect((await post17(body, { secret: 'wrong-secret-wrong-secret' })).statusCode).toBe(401);
    expect((await post17(body, { signature: 'sha256=abc' })).statusCode).toBe(401);
    const unsigned = await app.inject({
      method: 'POST',
      url: '/tracking/webhooks/sample',
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.messages.en).toMatch(/sign/);
    expect((await post17(body, { provider: 'nobody' })).statusCode).toBe(404);
    const after401 = Number(
      (
        await store.db
          .selectFrom('tracking_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(after401).toBe(before);

    const malformed = await post17('{"event":"TRACKING_UPDATED","data":{"track_info":{}}}');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.messages.en).toMatch(/data\.number/);
    expect(malformed.json().error.messages['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect((await post17('not json')).statusCode).toBe(400);
    const kept = await store.db
      .selectFrom('tracking_deliveries')
      .selectAll()
      .where('status', '=', 'malformed')
      .execute();
    expect(kept.map((k) => k.provider)).toEqual(['sample', 'sample']);
    expect(kept[0]!.error).toMatch(/tracking number/);

    // One event without a time in a delivery: set aside with its reason; the other is taken.
    const oneBad = JSON.parse(cnEsWebhook(CN_ES_EVENTS.slice(0, 2), 'XB000000001CN')) as {
      data: { track_info: { tracking: { providers: Array<{ events: Array<Record<string, unknown>> }> } } };
    };
    const events = oneBad.data.track_info.tracking.providers[0]!.events;
    events[0] = { stage: 'InTransit', sub_status: 'InTransit_Other', description: 'no time at all' };
    const answer = await post17(JSON.stringify(oneBad));
    expect(answer.statusCode).toBe(202);
    expect(answer.json().set_aside).toBe(1);
    await deliveryDrainerOf(ctx).idle();
    const stored = await store.db
      .selectFrom('tracking_deliveries')
      .select(['status', 'events', 'notes'])
      .where('id', '=', answer.json().delivery_id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('processed');
    expect(stored.events).toBe(1);
    expect(JSON.parse(stored.notes!).set_aside).toEqual([
      { number: 'XB000000001CN', index: 0, reason: expect.stringMatching(/no readable time/) },
    ]);
    await store.db.deleteFrom('tracking_events').where('tracking_number', '=', 'XB000000001CN').execute();
  });

  it('takes over at once a delivery leased by a process that died, instead of waiting out its lease', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // a process of this host that has ended
    const body = cnEsWebhook(CN_ES_EVENTS.slice(0, 3), 'RR000000000XX');
    const [row] = await store.db
      .insertInto('tracking_deliveries')
      .values({
        provider: 'sample',
        received_at: clock.now(),
        signature: 'sign:dead-process',
        signed_at: clock.now(),
        body,
        status: 'pending',
        attempts: 1,
        lease_until: clock.now() + 120_000,
        lease_owner: `${hostname()}:${dead}:abcdef`,
        processed_at: null,
        events: null,
        error: null,
        notes: null,
      })
      .returning('id')
      .execute();
    const report = await processDeliveries(ctx);
    expect(report.deliveries).toBeGreaterThanOrEqual(1);
    const after = await store.db
      .selectFrom('tracking_deliveries')
      .select(['status', 'lease_owner', 'events'])
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'processed', lease_owner: null, events: 3 });
    // Leave nothing behind for the tests after this one.
    await store.db.deleteFrom('tracking_events').where('tracking_number', '=', 'RR000000000XX').execute();
    await store.db.deleteFrom('tracking_deliveries').where('id', '=', row!.id).execute();
  });

  it('refuses a provider of an API version it does not speak, or polled without an API key, naming the field; saves nothing', async () => {
    const put = (name: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'PUT', url: `/tracking/providers/${name}`, payload });
    const version = await put('newone', { kind: 'seventeen', webhook_secret: SECRET, api_key: 'k', api_version: 'v9' });
    expect(version.statusCode).toBe(400);
    expect(JSON.stringify(version.json())).toMatch(/api_version/);
    expect(JSON.stringify(version.json())).toMatch(/v2\.4, v2\.2/);
    const unpolled = await put('newone', { kind: 'aftership', webhook_secret: SECRET, polls: true });
    expect(unpolled.statusCode).toBe(400);
    expect(JSON.stringify(unpolled.json())).toMatch(/"polls"/);
    expect(
      await store.db.selectFrom('tracking_providers').select('name').where('name', '=', 'newone').execute(),
    ).toEqual([]);
    const saved = await put('newone', {
      kind: 'aftership',
      webhook_secret: SECRET,
      api_key: 'as-key',
      api_version: '2024-10',
    });
    expect(saved.json()).toMatchObject({
      name: 'newone',
      kind: 'aftership',
      api_version: '2024-10',
      webhook_path: '/tracking/webhooks/newone',
    });
    expect(JSON.stringify(saved.json())).not.toMatch(/as-key|webhook-secret/);
    await store.db.deleteFrom('tracking_providers').where('name', '=', 'newone').execute();
  });

  it('claims each parcel for one poller: concurrent polls ask the provider once per parcel; a run-out claim is taken again', async () => {
    clock.set(Date.UTC(2026, 10, 5, 0));
    const numbers = [makeS10(30_000_011, 'RR', 'CN'), makeS10(30_000_012, 'RR', 'CN'), makeS10(30_000_013, 'RR', 'CN')];
    const server = await standIn((req) =>
      req.url.endsWith('/register')
        ? { status: 200, body: { code: 0, data: { accepted: [], rejected: [] } } }
        : {
            status: 200,
            body: {
              code: 0,
              data: {
                accepted: (JSON.parse(req.body) as Array<{ number: string }>).map((i) => ({
                  number: i.number,
                  carrier: 3011,
                  track_info: { tracking: { providers: [] } },
                })),
                rejected: [],
              },
            },
          },
    );
    try {
      await saveProvider(ctx, {
        name: 'seventeen',
        kind: 'seventeen',
        baseUrl: server.url,
        apiKey: 'token-17',
        webhookSecret: SECRET,
        polls: true,
      });
      const parcels = [await ship('C1', numbers[0]!), await ship('C2', numbers[1]!), await ship('C3', numbers[2]!)];
      await registerParcels(ctx);
      const reports = await Promise.all([pollDueParcels(ctx), pollDueParcels(ctx), pollDueParcels(ctx)]);
      const asked = server.seen
        .filter((r) => r.url.endsWith('/gettrackinfo'))
        .flatMap((r) => (JSON.parse(r.body) as Array<{ number: string }>).map((i) => i.number));
      expect(asked.sort()).toEqual([...numbers].sort());
      expect(reports.reduce((n, r) => n + r.polled, 0)).toBe(3);
      for (const id of parcels) expect((await trackingOf(id)).polls).toBe(1);

      // Claims directly: one holder at a time; a claim that ran out is free again.
      const now = clock.now();
      expect(await claimPolls(ctx, parcels, 'host:1:a:1', now, now + 60_000)).toEqual(parcels);
      expect(await claimPolls(ctx, parcels, 'host:1:b:1', now, now + 60_000)).toEqual([]);
      expect(await claimPolls(ctx, parcels, 'host:1:b:1', now + 60_001, now + 120_000)).toEqual(parcels);
      await store.db.deleteFrom('tracking_poll_claims').execute();
    } finally {
      await server.close();
      await stopPolling();
    }
  });
});
