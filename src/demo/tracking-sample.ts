/**
 * The demo's carrier events from the sample tracking provider (integrations/tracking/sample-provider.ts, a local
 * server speaking 17TRACK's API v2.4): when a label is issued the carrier's history of the parcel starts on the provider
 * (information received; accepted by the carrier some hours later, then the sorting centre, the flight, customs …),
 * and shipby learns of it the way it would in production — its tracking registers the parcels and polls the provider
 * (app/tracking/registration.ts, app/tracking/polling.ts), so first scans, transit and problems reach the parcels and the timelines.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/context';
import { localized } from '../core/i18n';
import { registerParcels } from '../app/tracking';
import { pollDueParcels } from '../app/tracking';
import { saveProvider } from '../app/tracking';
import { SampleTrackingProvider } from '../integrations/tracking/sample-provider';
import type { SampleScenario } from '../integrations/tracking/sample-scripts';
import type { TrackingHook } from './hooks';
import { allowOutbound } from '../integrations/outbound';

const DEMO_TRACKING_PROVIDER = 'sample-17track';

/**
 * The carrier's journey (about nine days to delivery, a month for a return) compressed this many times, so a demo
 * day sees parcels through to delivery.
 */
const DEMO_TRACKING_SPEED = 60;

/**
 * The histories the demo's parcels take in turn: mostly delivered, with a failed first attempt, a lost parcel, a
 * return and one that stalls, problems first so the day's earliest parcels show them before it ends.
 */
const DEMO_SCENARIOS: readonly SampleScenario[] = [
  'failed_then_delivered',
  'delivered',
  'lost',
  'returned',
  'delivered',
  'stalled',
  'delivered',
  'delivered',
  'failed_then_delivered',
  'delivered',
];

export interface SampleTracking extends TrackingHook {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the sample provider on the simulated clock and configures it in shipby as the polling provider. */
export async function startSampleTracking(ctx: AppContext, options: { now: () => number }): Promise<SampleTracking> {
  const apiKey = `demo-${randomBytes(8).toString('hex')}`;
  const provider = new SampleTrackingProvider({ apiKey, now: options.now, speed: DEMO_TRACKING_SPEED });
  let labelled = 0;
  const url = await provider.listen(0, '127.0.0.1');
  allowOutbound(url); // the guard on outgoing requests refuses loopback addresses it is not told about
  try {
    await saveProvider(ctx, {
      name: DEMO_TRACKING_PROVIDER,
      kind: 'seventeen',
      baseUrl: url,
      apiKey,
      webhookSecret: randomBytes(24).toString('hex'),
      polls: true,
      // Livelier than the production default (6 h before the first scan), so a demo day shows the scans come in.
      cadence: { beforeFirstScanHours: 1, afterFirstScanHours: 3 },
    });
  } catch (error) {
    await provider.close();
    throw error;
  }
  return {
    name: localized(
      `sample tracking provider (17TRACK's API v2.4) ${url}, polled by shipby`,
      `示例物流轨迹服务（17TRACK API v2.4）${url}，由 shipby 轮询`,
    ),
    url,
    labelled(parcel, at) {
      provider.register({
        number: parcel.trackingNumber,
        carrier: parcel.carrier,
        start_at: at,
        destination: parcel.destination,
        scenario: DEMO_SCENARIOS[labelled++ % DEMO_SCENARIOS.length],
      });
    },
    // The provider's script has the carrier's acceptance scan some hours after the label; the collection adds nothing.
    collected() {},
    async flush(ctx) {
      await registerParcels(ctx);
      const report = await pollDueParcels(ctx);
      return report.ingest.stored;
    },
    close: () => provider.close(),
  };
}
