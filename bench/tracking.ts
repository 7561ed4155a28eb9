/**
 * npm run bench:tracking — carrier events through the ingestion path (ingestTrackingEvents: idempotent insert, the
 * fold, first scans, parcel and order transitions through `decide`, problems, the timeline), against the limit: a
 * bare batched insert of the same event rows into the same table, in the same process.
 *   EVENTS (default 5,000,000) for PARCELS (default 500,000) into a fresh SQLite file;
 *   PG_EVENTS (default 1,000,000) for PG_PARCELS (default 100,000) into a fresh PostgreSQL database.
 * Events arrive shuffled, 10 % of them duplicates of others. Each parcel's history: label, pickup (first scan),
 * five transit scans, out for delivery, delivered. They arrive in the providers' real payload shapes (issue 16): each
 * batch as a 17TRACK `gettrackinfo` answer (even parcels) and an AfterShip `GET trackings` answer (odd parcels), as
 * bytes; the ingestion's time includes JSON.parse and the adapters' mapping (building the bytes, the provider's work,
 * does not count). The limit inserts the same rows, already mapped. The two run batch by batch, alternately, each into
 * its own database: a load on the machine or the database's background work falls on both alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createContext } from '../src/app/context';
import { ingestTrackingEvents } from '../src/app/tracking';
import { emptyIngestReport, mergeReports } from '../src/app/tracking/ingest';
import { eventKeyOf, type TrackingStatus } from '../src/core/tracking-status';
import { parseAfterShipTrackings } from '../src/integrations/tracking/aftership-client';
import { parseSeventeenTrackResponse, type ProviderEvent } from '../src/integrations/tracking/provider';
import { migrateToLatest, openStore, type Store } from '../src/store/database';
import { createScratchDatabase } from '../src/store/pg-admin';
import { trackingBulkWriter } from '../src/store/tracking';
import { seededRandom } from './lib/random';

const EVENTS = Number(process.env.EVENTS ?? 5_000_000);
const PARCELS = Number(process.env.PARCELS ?? 500_000);
const PG_EVENTS = Number(process.env.PG_EVENTS ?? 1_000_000);
const PG_PARCELS = Number(process.env.PG_PARCELS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 5000);
const OUT = path.resolve('bench/out');
fs.mkdirSync(OUT, { recursive: true });

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
/** Each step in 17TRACK's words (stage, sub) and AfterShip's (tag, subtag). */
const HISTORY: Array<{
  hours: number;
  status: TrackingStatus;
  stage: string;
  sub: string;
  tag: string;
  subtag: string;
  text: string;
}> = [
  {
    hours: 0,
    status: 'label_created',
    stage: 'InfoReceived',
    sub: 'InfoReceived',
    tag: 'InfoReceived',
    subtag: 'InfoReceived_001',
    text: 'Shipment information received',
  },
  {
    hours: 9,
    status: 'accepted',
    stage: 'InTransit',
    sub: 'InTransit_PickedUp',
    tag: 'InTransit',
    subtag: 'InTransit_002',
    text: 'Accepted by the carrier',
  },
  {
    hours: 20,
    status: 'in_transit',
    stage: 'InTransit',
    sub: 'InTransit_Departure',
    tag: 'InTransit',
    subtag: 'InTransit_007',
    text: 'Departed from the sorting centre',
  },
  {
    hours: 70,
    status: 'in_transit',
    stage: 'InTransit',
    sub: 'InTransit_Departure',
    tag: 'InTransit',
    subtag: 'InTransit_007',
    text: 'Flight departed',
  },
  {
    hours: 92,
    status: 'in_transit',
    stage: 'InTransit',
    sub: 'InTransit_Arrival',
    tag: 'InTransit',
    subtag: 'InTransit_003',
    text: 'Arrived in the destination country',
  },
  {
    hours: 131,
    status: 'in_transit',
    stage: 'InTransit',
    sub: 'InTransit_CustomsReleased',
    tag: 'InTransit',
    subtag: 'InTransit_005',
    text: 'Released by customs',
  },
  {
    hours: 160,
    status: 'in_transit',
    stage: 'InTransit',
    sub: 'InTransit_Arrival',
    tag: 'InTransit',
    subtag: 'InTransit_003',
    text: 'Arrived at the delivery office',
  },
  {
    hours: 198,
    status: 'out_for_delivery',
    stage: 'OutForDelivery',
    sub: 'OutForDelivery_Other',
    tag: 'OutForDelivery',
    subtag: 'OutForDelivery_001',
    text: 'Out for delivery',
  },
  {
    hours: 205,
    status: 'delivered',
    stage: 'Delivered',
    sub: 'Delivered_Other',
    tag: 'Delivered',
    subtag: 'Delivered_001',
    text: 'Delivered',
  },
];

const numberOf = (parcel: number) => `BN${String(parcel).padStart(10, '0')}`;

/** The delivery order: `events` indices, shuffled; 10 % are duplicates of unique events. */
function deliveryOrder(events: number, parcels: number, seed: number): { order: Uint32Array; unique: number } {
  const unique = Math.min(parcels * HISTORY.length, Math.round(events * 0.9));
  const random = seededRandom(seed);
  const order = new Uint32Array(events);
  for (let i = 0; i < events; i++) order[i] = i < unique ? i : Math.floor(random() * unique);
  for (let i = events - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return { order, unique };
}

/** Unique event `u`: parcel u / 9 + 1 (parcel ids start at 1), step u % 9, a few minutes apart per parcel. */
function eventOf(u: number): ProviderEvent {
  const parcel = Math.floor(u / HISTORY.length) + 1;
  const step = HISTORY[u % HISTORY.length]!;
  const at = T0 + step.hours * HOUR + (parcel % 1440) * 60_000;
  return {
    trackingNumber: numberOf(parcel),
    carrier: 'china-post',
    // In the words of the parcel's provider (providerBodies): 17TRACK for even parcels, AfterShip for odd ones.
    event:
      parcel % 2 === 0
        ? {
            key: eventKeyOf(null, at, step.sub),
            occurredAt: at,
            status: step.status,
            rawStatus: step.stage,
            rawSubstatus: step.sub,
            description: step.text,
            location: 'Madrid, ES',
            destinationCountry: 'ES',
          }
        : {
            key: eventKeyOf(null, at, step.subtag),
            occurredAt: at,
            status: step.status,
            rawStatus: step.tag,
            rawSubstatus: step.subtag,
            description: step.text,
            location: 'Madrid, ES',
            destinationCountry: 'ES',
          },
  };
}

/**
 * One batch as the providers send it: a 17TRACK gettrackinfo answer for the even parcels, an AfterShip trackings
 * answer for the odd ones (the same event twice in a batch is twice in its parcel's list, as a provider repeats it).
 */
function providerBodies(batch: Uint32Array): { seventeen: string; aftership: string; asked: string[] } {
  const seventeen = new Map<string, unknown[]>();
  const aftership = new Map<string, unknown[]>();
  for (const u of batch) {
    const parcel = Math.floor(u / HISTORY.length) + 1;
    const step = HISTORY[u % HISTORY.length]!;
    const at = T0 + step.hours * HOUR + (parcel % 1440) * 60_000;
    const number = numberOf(parcel);
    if (parcel % 2 === 0) {
      const utc = new Date(at).toISOString().replace('.000Z', 'Z');
      const list = seventeen.get(number) ?? [];
      list.push({
        time_iso: utc.replace('Z', '+00:00'),
        time_utc: utc,
        description: step.text,
        location: 'Madrid, ES',
        stage: step.stage,
        sub_status: step.sub,
        address: { country: 'ES', city: 'Madrid' },
      });
      seventeen.set(number, list);
    } else {
      const list = aftership.get(number) ?? [];
      list.push({
        slug: 'china-post',
        checkpoint_time: new Date(at).toISOString().replace('.000Z', '+00:00'),
        tag: step.tag,
        subtag: step.subtag,
        message: step.text,
        location: 'Madrid, ES',
        country_region: 'ESP',
      });
      aftership.set(number, list);
    }
  }
  const accepted = [...seventeen].map(([number, events]) => ({
    number,
    carrier: 3011,
    param: null,
    tag: null,
    track_info: {
      shipping_info: { recipient_address: { country: 'ES' } },
      tracking: { providers: [{ provider: { key: 3011 }, events }] },
    },
  }));
  const trackings = [...aftership].map(([number, checkpoints]) => ({
    tracking_number: number,
    slug: 'china-post',
    destination_country_region: 'ESP',
    checkpoints,
  }));
  return {
    seventeen: JSON.stringify({ code: 0, data: { accepted, rejected: [] } }),
    aftership: JSON.stringify({ meta: { code: 200 }, data: { pagination: { total: trackings.length }, trackings } }),
    asked: [...aftership.keys()],
  };
}

/** Shipped orders with one parcel each (tracking uploaded an hour ago, so none is "not online"). */
async function seed(store: Store, parcels: number): Promise<void> {
  const now = Date.now();
  await sql`INSERT INTO shops (id, name, platform, created_at) VALUES ('bench', 'bench', 'aliexpress', ${now})`.execute(
    store.db,
  );
  const uploaded = now - HOUR;
  if (store.dialect === 'sqlite') {
    store.sqlite!.exec(`
      WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${parcels})
      INSERT INTO orders (id, shop_id, platform, platform_order_id, status, currency, total_amount, buyer_name, buyer_country, address_line1, city, logistics_service,
        paid_at, tracking_uploaded_at, handed_over_at, content_hash, version, created_at, updated_at)
      SELECT n, 'bench', 'aliexpress', 'B' || n, 'shipped', 'EUR', 2000, 'Buyer', 'ES', 'Calle 1', 'Madrid', 'CPAM', ${T0 - 24 * HOUR}, ${uploaded}, ${uploaded}, 'h', 1, ${now}, ${now} FROM s;
      INSERT INTO parcels (id, order_id, shop_id, status, carrier, service, tracking_number, labelled_at, tracking_uploaded_at, created_at, updated_at)
      SELECT id, id, 'bench', 'tracking_uploaded', 'china-post', 'CPAM', 'BN' || printf('%010d', id), ${uploaded}, ${uploaded}, ${now}, ${now} FROM orders;`);
  } else {
    await sql`INSERT INTO orders (id, shop_id, platform, platform_order_id, status, currency, total_amount, buyer_name, buyer_country, address_line1, city, logistics_service,
        paid_at, tracking_uploaded_at, handed_over_at, content_hash, version, created_at, updated_at)
      SELECT n, 'bench', 'aliexpress', 'B' || n, 'shipped', 'EUR', 2000, 'Buyer', 'ES', 'Calle 1', 'Madrid', 'CPAM', ${T0 - 24 * HOUR}::bigint, ${uploaded}::bigint, ${uploaded}::bigint, 'h', 1, ${now}::bigint, ${now}::bigint
      FROM generate_series(1, ${parcels}::int) AS n`.execute(store.db);
    await sql`INSERT INTO parcels (id, order_id, shop_id, status, carrier, service, tracking_number, labelled_at, tracking_uploaded_at, created_at, updated_at)
      SELECT id, id, 'bench', 'tracking_uploaded', 'china-post', 'CPAM', 'BN' || lpad(id::text, 10, '0'), ${uploaded}::bigint, ${uploaded}::bigint, ${now}::bigint, ${now}::bigint FROM orders`.execute(
      store.db,
    );
    await sql`SELECT setval(pg_get_serial_sequence('orders', 'id'), ${parcels}::bigint)`.execute(store.db);
    await sql`SELECT setval(pg_get_serial_sequence('parcels', 'id'), ${parcels}::bigint)`.execute(store.db);
    await sql`ANALYZE`.execute(store.db);
  }
}

/** The limit's step for one batch: the same event rows (parcel ids included), through the same insert statement. */
async function bareBatch(store: Store, batch: Uint32Array, now: number): Promise<void> {
  const events: ProviderEvent[] = [];
  const parcelIds: number[] = [];
  for (const u of batch) {
    events.push(eventOf(u));
    parcelIds.push(Math.floor(u / HISTORY.length) + 1);
  }
  await store.db.transaction().execute(async (trx) => {
    await trackingBulkWriter(store, trx).insertEvents(events, parcelIds, 'bench', now);
  });
}

type Report = Awaited<ReturnType<typeof ingestTrackingEvents>>;

/**
 * Both sides batch by batch, alternately: the ingestion's batch into `store` (timed from the providers' bytes:
 * JSON.parse, the adapters' mapping, ingestTrackingEvents), then the limit's same batch into `bare` — the same
 * events, already mapped, through the same insert (trackingBulkWriter.insertEvents), and nothing else: no lookup, no
 * fold, no transition, no timeline. Interleaved, the two sides share whatever the machine and the database's
 * background work (checkpoints, autovacuum) do during the run, so their ratio does not depend on which ran first.
 */
async function runBoth(
  store: Store,
  bare: Store,
  order: Uint32Array,
): Promise<{ ms: number; bareMs: number; report: Report }> {
  const ctx = createContext(store);
  let ms = 0;
  let bareMs = 0;
  const report = emptyIngestReport();
  for (let i = 0; i < order.length; i += BATCH) {
    const slice = order.subarray(i, Math.min(order.length, i + BATCH));
    const bodies = providerBodies(slice);
    let started = performance.now();
    const now = ctx.now();
    const batch: ProviderEvent[] = [
      ...parseSeventeenTrackResponse(JSON.parse(bodies.seventeen), now).events,
      ...parseAfterShipTrackings(JSON.parse(bodies.aftership), bodies.asked).events,
    ];
    const part = await ingestTrackingEvents(ctx, batch, { provider: 'bench', batchSize: BATCH });
    ms += performance.now() - started;
    started = performance.now();
    await bareBatch(bare, slice, now);
    bareMs += performance.now() - started;
    mergeReports(report, part);
    if ((i / BATCH) % 100 === 99)
      process.stderr.write(
        `  ${i + BATCH} events: ingestion ${Math.round((i + BATCH) / (ms / 1000))}/s, limit ${Math.round((i + BATCH) / (bareMs / 1000))}/s\n`,
      );
  }
  return { ms, bareMs, report };
}

async function verify(store: Store, parcels: number) {
  const delivered = await store.db
    .selectFrom('parcels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'delivered')
    .executeTakeFirstOrThrow();
  const orders = await store.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'delivered')
    .where('first_scan_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const events = await store.db
    .selectFrom('tracking_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    parcels,
    delivered: Number(delivered.n),
    ordersDeliveredWithFirstScan: Number(orders.n),
    storedEvents: Number(events.n),
  };
}

async function benchSqlite() {
  const file = path.join(OUT, 'tracking.db');
  const bareFile = path.join(OUT, 'tracking-bare.db');
  for (const f of [file, bareFile]) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(f + suffix, { force: true });
  const { order, unique } = deliveryOrder(EVENTS, PARCELS, 7);
  console.log(
    `SQLite: ${EVENTS.toLocaleString('en')} events (${unique.toLocaleString('en')} unique) for ${PARCELS.toLocaleString('en')} parcels, batches of ${BATCH}`,
  );
  const store = openStore(`sqlite:${file}`);
  await migrateToLatest(store);
  await seed(store, PARCELS);
  const bare = openStore(`sqlite:${bareFile}`);
  await migrateToLatest(bare);
  const { bareMs, ...ingest } = await runBoth(store, bare, order);
  const check = await verify(store, PARCELS);
  await store.close();
  await bare.close();
  for (const f of [file, bareFile]) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(f + suffix, { force: true });
  return summarise('sqlite', EVENTS, ingest, bareMs, check);
}

async function benchPostgres() {
  const { order, unique } = deliveryOrder(PG_EVENTS, PG_PARCELS, 11);
  console.log(
    `PostgreSQL: ${PG_EVENTS.toLocaleString('en')} events (${unique.toLocaleString('en')} unique) for ${PG_PARCELS.toLocaleString('en')} parcels, batches of ${BATCH}`,
  );
  const scratch = await createScratchDatabase('shipby_bench_tracking');
  const bareScratch = await createScratchDatabase('shipby_bench_tracking_bare');
  try {
    const store = openStore(scratch.url, { poolSize: 2 });
    await migrateToLatest(store);
    await seed(store, PG_PARCELS);
    const bare = openStore(bareScratch.url, { poolSize: 2 });
    await migrateToLatest(bare);
    const { bareMs, ...ingest } = await runBoth(store, bare, order);
    const check = await verify(store, PG_PARCELS);
    await store.close();
    await bare.close();
    return summarise('postgres', PG_EVENTS, ingest, bareMs, check);
  } finally {
    await scratch.drop();
    await bareScratch.drop();
  }
}

function summarise(
  name: string,
  events: number,
  ingest: { ms: number; report: Report },
  bareMs: number,
  check: Awaited<ReturnType<typeof verify>>,
) {
  const rate = Math.round(events / (ingest.ms / 1000));
  const bareRate = Math.round(events / (bareMs / 1000));
  const ratio = rate / bareRate;
  console.log(
    `  ingestion: ${rate.toLocaleString('en')} events/s (${(ingest.ms / 1000).toFixed(1)} s); duplicates ${ingest.report.duplicates.toLocaleString('en')}, first scans ${ingest.report.firstScans.toLocaleString('en')}, transitions ${ingest.report.transitions.toLocaleString('en')}`,
  );
  console.log(
    `  bare batched insert (the limit): ${bareRate.toLocaleString('en')} events/s (${(bareMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  ratio ${(ratio * 100).toFixed(1)} % of the limit (target ≥ 30 %) — ${check.delivered.toLocaleString('en')}/${check.parcels.toLocaleString('en')} parcels delivered, ${check.ordersDeliveredWithFirstScan.toLocaleString('en')} orders delivered with a first scan, ${check.storedEvents.toLocaleString('en')} events stored`,
  );
  return {
    [`${name}_events`]: events,
    [`${name}_events_per_s`]: rate,
    [`${name}_bare_events_per_s`]: bareRate,
    [`${name}_ratio`]: Number(ratio.toFixed(3)),
    [`${name}_parcels_delivered`]: check.delivered,
    [`${name}_stored_events`]: check.storedEvents,
  };
}

const results = { ...(EVENTS > 0 ? await benchSqlite() : {}), ...(PG_EVENTS > 0 ? await benchPostgres() : {}) };
console.log(JSON.stringify(results));
