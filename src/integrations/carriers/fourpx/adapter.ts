/**
 * The 4PX adapter: protocol.ts's signed requests through a transport, behind the carrier interface.
 *
 * `createLabel`: `ds.xms.order.create` with the idempotency key as `ref_no`; a repeated `ref_no` (a retry after a
 * lost answer) is refused by 4PX, so the adapter reads the order back (`ds.xms.order.get`) — one key, one label.
 * An order created without a `4px_tracking_no` is an error: it is cancelled at 4PX (`ds.xms.order.cancel`, the void
 * attempt) and the carrier's words are in the error. Then `ds.xms.label.get` gives the label PDF's link.
 * `quote`: `ds.xms.estimated_cost.get` for the parcel and the one product (the quotes fall back to the contract).
 */
import { CarrierRefusedError, type CarrierAdapter, type CreatedLabel, type LabelRequest } from '../types';
import { fetchDocument, httpTransport, type CarrierTransport } from '../transport';
import * as fpx from './protocol';

export interface FourPxOptions extends fpx.FourPxCredentials {
  baseUrl: string;
  timeoutMs?: number;
  transport?: CarrierTransport;
  /** The clock for the `timestamp` parameter (4PX refuses stale ones). */
  now?: () => number;
}

export function createFourPxCarrier(options: FourPxOptions): CarrierAdapter {
  const credentials: fpx.FourPxCredentials = {
    appKey: options.appKey,
    appSecret: options.appSecret,
    accessToken: options.accessToken ?? null,
  };
  const send =
    options.transport ?? httpTransport(options.baseUrl, { timeoutMs: options.timeoutMs, carrierName: '4PX' });
  const now = options.now ?? Date.now;
  const call = (method: string, body: unknown) => send(fpx.request(credentials, method, body, now()));

  async function labelUrl(requestNo: string): Promise<string> {
    return fpx.parseLabel(await call('ds.xms.label.get', { request_no: requestNo, response_label_format: 'PDF' }));
  }

  async function cancel(requestNo: string, reason: string): Promise<void> {
    fpx.dataOf(await call('ds.xms.order.cancel', { request_no: requestNo, cancel_reason: reason }));
  }

  return {
    describe: `4px ${options.baseUrl.replace(/\/+$/, '')}`,
    quotesLive: true,
    async quote(request) {
      return fpx.parseEstimatedCost(
        await call('ds.xms.estimated_cost.get', fpx.estimatedCostBody(request)),
        request.service,
      );
    },
    async createLabel(request: LabelRequest): Promise<CreatedLabel> {
      let created: { consignmentNo: string; trackingNumber: string | null };
      try {
        created = fpx.parseCreateOrder(await call('ds.xms.order.create', fpx.createOrderBody(request)));
      } catch (error) {
        if (!fpx.isDuplicate(error)) throw error;
        created = fpx.parseGetOrder(
          await call('ds.xms.order.get', { request_no: request.idempotencyKey }),
          request.idempotencyKey,
        );
      }
      if (!created.trackingNumber) {
        let voided = 'cancelled at 4PX';
        try {
          await cancel(created.consignmentNo || request.idempotencyKey, 'no tracking number returned');
        } catch (error) {
          voided = `cancelling it at 4PX failed too: ${error instanceof Error ? error.message : String(error)}`;
        }
        throw new CarrierRefusedError(
          422,
          'no_tracking_number',
          `4PX created order ${created.consignmentNo || request.idempotencyKey} without a 4px_tracking_no; ${voided}`,
        );
      }
      const url = await labelUrl(created.consignmentNo || created.trackingNumber).catch(() => null);
      return {
        trackingNumber: created.trackingNumber,
        carrierLabelId: created.consignmentNo || created.trackingNumber,
        routingCode: null,
        cost: null,
        labelUrl: url,
      };
    },
    async void(carrierLabelId: string): Promise<void> {
      await cancel(carrierLabelId, 'label voided by the seller');
    },
    async track(trackingNumber: string) {
      return fpx.parseTracking(await call('tr.order.tracking.get', { deliveryOrderNo: trackingNumber }));
    },
    async labelPdf(label) {
      return fetchDocument(label.labelUrl ?? (await labelUrl(label.carrierLabelId)), {
        timeoutMs: options.timeoutMs,
        carrierName: '4PX',
      });
    },
  };
}
