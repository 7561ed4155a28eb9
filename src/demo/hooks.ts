/**
 * The demo's seams to parts of shipby that do not exist yet. Each is a small interface with a stand-in that
 * behaves like the real thing would, so the simulated day is whole today and each stand-in can be swapped out alone:
 *
 * - `LabelHook` — where a parcel's label and tracking number come from. The demo buys them from the sample carrier
 *   (`sampleCarrierLabels`: src/integrations/carriers, a real local HTTP server, through the same adapter shipby's
 *   labelling uses); `localCainiaoLabels` is the stand-in without it (Cainiao order codes, LP + 14 digits).
 * - `TrackingHook` — the carrier's events after the collection. The demo uses the sample tracking provider
 *   (tracking-sample.ts, polled through app/tracking/); `scheduledFirstScans` is the stand-in without it, which
 *   records each parcel's first scan at the sorting centre through `recordFirstScan` (the seller's first-scan use case).
 * - `signInLink` — the dashboard link printed for the demo's owner: a one-time sign-in link (GET /auth/link).
 */
import { createSignInLink, ensureFirstOwner } from '../app/accounts';
import type { AppContext } from '../app/context';
import { recordFirstScan } from '../app/shipments';
import { localized, type Localized } from '../core/i18n';
import { HOUR_MS } from '../core/time';
import type { CarrierAdapter, PostalAddress } from '../integrations/carriers/types';

export interface LabelRequest {
  orderId: number;
  platformOrderId: string;
  buyerCountry: string;
  /** The logistics service the buyer chose on the marketplace (e.g. CAINIAO_STANDARD), if known. */
  logisticsService: string | null;
  /** Where it goes (printed on the label). */
  recipient: { name: string; line1: string; city: string; postcode: string | null };
  /** Units in the parcel (the demo estimates the weight from them). */
  units: number;
  declaredValue: { amount: number; currency: string };
}

export interface DemoLabel {
  trackingNumber: string;
  /** The marketplace's logistics service key the number is declared under. */
  serviceName: string;
  /** The carrier for the number's format checks. */
  carrier: string;
}

export interface LabelHook {
  /** What it is, for the demo's banner. */
  readonly name: Localized;
  createLabel(request: LabelRequest, at: number): Promise<DemoLabel>;
}

/** Stand-in for the sample carrier: Cainiao order codes, unique per run, under the buyer's Cainiao service. */
export function localCainiaoLabels(seed: number): LabelHook {
  // A run-specific prefix keeps numbers from two demo runs apart; the counter keeps them unique within one.
  const prefix = String(100 + (Math.abs(Math.floor(seed)) % 900));
  let next = 1;
  return {
    name: localized('stand-in Cainiao labels (hook: the sample carrier)', '本地模拟的菜鸟面单（接口预留：示例承运商）'),
    async createLabel(request) {
      const service = request.logisticsService?.toUpperCase().startsWith('CAINIAO')
        ? request.logisticsService.toUpperCase()
        : 'CAINIAO_STANDARD';
      const serial = String(next++).padStart(11, '0');
      return { trackingNumber: `LP${prefix}${serial}`, serviceName: service, carrier: 'cainiao' };
    },
  };
}

/** The sample carrier's service for the buyer's marketplace service: Cainiao's lines (numbers LP + 14 digits). */
function sampleServiceFor(logisticsService: string | null): string {
  return logisticsService?.toUpperCase() === 'CAINIAO_ECONOMY' ? 'cainiao-super-economy' : 'aliexpress-standard';
}

/**
 * Labels bought from the sample carrier (src/integrations/carriers/sample-server.ts) through its adapter: a priced
 * label with a real-format tracking number, one per order (the idempotency key is the order, so a retried step never
 * buys twice). The number is declared under the buyer's Cainiao service, as the stand-in did.
 */
export function sampleCarrierLabels(adapter: CarrierAdapter, sender: PostalAddress): LabelHook {
  return {
    name: localized(`the sample carrier (${adapter.describe})`, `示例承运商（${adapter.describe}）`),
    async createLabel(request) {
      const service = sampleServiceFor(request.logisticsService);
      const label = await adapter.createLabel({
        service,
        reference: request.platformOrderId,
        idempotencyKey: `demo-order-${request.orderId}`,
        sender,
        recipient: {
          name: request.recipient.name,
          line1: request.recipient.line1,
          city: request.recipient.city,
          postcode: request.recipient.postcode,
          country: request.buyerCountry,
        },
        grossWeightG: 120 + 180 * Math.max(1, request.units),
        dimsMm: [220, 160, 60 + 20 * Math.min(request.units, 6)],
        declaredValue: request.declaredValue,
        contents: [],
      });
      const declared = request.logisticsService?.toUpperCase().startsWith('CAINIAO')
        ? request.logisticsService.toUpperCase()
        : 'CAINIAO_STANDARD';
      return { trackingNumber: label.trackingNumber, serviceName: declared, carrier: 'cainiao' };
    },
  };
}

export interface CollectedParcel {
  parcelId: number;
  trackingNumber: string;
  carrier: string;
  /** The buyer's country. */
  destination: string;
}

export interface TrackingHook {
  readonly name: Localized;
  /** The carrier issued the label of this parcel at `at` (its history with the carrier begins). */
  labelled(parcel: CollectedParcel, at: number): void;
  /** The carrier collected these parcels at `at`. */
  collected(parcels: readonly CollectedParcel[], at: number): void;
  /** Brings the carrier events due by `now` into shipby; returns how many were recorded. */
  flush(ctx: AppContext, now: number): Promise<number>;
}

/** Stand-in for a tracking provider: each collected parcel is scanned at the sorting centre 1–3 h later. */
export function scheduledFirstScans(random: () => number): TrackingHook {
  const due: Array<{ parcelId: number; scanAt: number }> = [];
  return {
    name: localized('stand-in first scans at the sorting centre', '本地模拟的分拣中心首次扫描'),
    labelled() {},
    collected(parcels, at) {
      for (const parcel of parcels)
        due.push({ parcelId: parcel.parcelId, scanAt: at + Math.round(HOUR_MS + random() * 2 * HOUR_MS) });
      due.sort((a, b) => a.scanAt - b.scanAt);
    },
    async flush(ctx, now) {
      let recorded = 0;
      while (due.length && due[0]!.scanAt <= now) {
        const scan = due.shift()!;
        await recordFirstScan(ctx, scan.parcelId, scan.scanAt, 'carrier');
        recorded++;
      }
      return recorded;
    },
  };
}

/** The demo's owner: owner of the default account, so of every shop the demo creates. */
export const DEMO_OWNER_EMAIL = 'owner@demo.shipby.local';

/**
 * The dashboard's address carrying a one-time sign-in link for the demo's owner (created here, on the fresh
 * database, with no password: Settings sets one). Opening it signs the browser in and lands on the dashboard.
 * The link's lifetime runs on the demo's simulated clock, so it is given the whole simulated run (`validForMs`)
 * rather than the first owner's 24 h, which at 60× would be 24 real minutes.
 */
export async function signInLink(
  ctx: AppContext,
  dashboardUrl: string,
  validForMs = 48 * HOUR_MS,
): Promise<string | undefined> {
  await ensureFirstOwner(ctx, DEMO_OWNER_EMAIL);
  const token = await createSignInLink(ctx, DEMO_OWNER_EMAIL, validForMs);
  return new URL(`auth/link?token=${encodeURIComponent(token)}`, dashboardUrl).toString();
}
