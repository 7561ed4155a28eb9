/**
 * The YunExpress adapter: protocol.ts's requests through a transport, behind the carrier interface.
 *
 * `createLabel`: `WayBill/CreateOrder` keyed by the idempotency key as `CustomerOrderNumber`; a repeated key (a
 * retry after a lost answer) is refused by YunExpress as a duplicate, so the adapter reads the order back
 * (`WayBill/GetOrder`) and returns the same waybill — one key, one label — provided it is the same order (platform
 * order id in `TransactionNumber`, and service): a key met again from another database is refused, not reused. An answer that creates the order but
 * carries no waybill number is an error: the order is deleted at YunExpress (a void attempt, so no charge is left
 * behind) and the carrier's words are in the error. Then `Label/Print` gives the label PDF's link.
 * `quote`: `Freight/GetPriceTrial` for the parcel, the service's item of its answer (the quotes fall back to the
 * contract rates when it fails or has none).
 */
import { CarrierRefusedError, type CarrierAdapter, type CreatedLabel, type LabelRequest } from '../types';
import { fetchDocument, httpTransport, type CarrierTransport } from '../transport';
import * as yun from './protocol';

export interface YunExpressOptions extends yun.YunExpressCredentials {
  baseUrl: string;
  timeoutMs?: number;
  /** Another transport (tests); default: HTTP to `baseUrl`. */
  transport?: CarrierTransport;
}

export function createYunExpressCarrier(options: YunExpressOptions): CarrierAdapter {
  const credentials: yun.YunExpressCredentials = { customerCode: options.customerCode, apiSecret: options.apiSecret };
  const send =
    options.transport ?? httpTransport(options.baseUrl, { timeoutMs: options.timeoutMs, carrierName: 'YunExpress' });

  async function labelUrl(wayBill: string): Promise<string> {
    return yun.parseLabelPrint(await send(yun.labelPrintRequest(credentials, [wayBill])), wayBill);
  }

  return {
    describe: `yunexpress ${options.baseUrl.replace(/\/+$/, '')}`,
    quotesLive: true,
    async quote(request) {
      return yun.parsePriceTrial(await send(yun.priceTrialRequest(credentials, request)), request.service);
    },
    async createLabel(request: LabelRequest): Promise<CreatedLabel> {
      const outcome = yun.parseCreateOrder(
        await send(yun.createOrderRequest(credentials, request)),
        request.idempotencyKey,
      );
      let wayBill: string;
      if (outcome.kind === 'no_number') {
        let voided = 'deleted at YunExpress';
        try {
          yun.parseDelete(await send(yun.deleteRequest(credentials, request.idempotencyKey, 2)));
        } catch (error) {
          voided = `deleting it at YunExpress failed too: ${error instanceof Error ? error.message : String(error)}`;
        }
        throw new CarrierRefusedError(
          422,
          'no_tracking_number',
          `YunExpress created the order without a waybill number (${outcome.message}); ${voided}`,
        );
      }
      if (outcome.kind === 'duplicate') {
        const existing = yun.parseGetOrder(await send(yun.getOrderRequest(credentials, request.idempotencyKey)));
        // The same key from another shipby database (a restore, a second install on one account) is not a retry.
        if (existing.transactionNumber && existing.transactionNumber !== request.reference) {
          throw new CarrierRefusedError(
            409,
            'duplicate_order_number',
            `YunExpress already has customer order number ${request.idempotencyKey} for order ${existing.transactionNumber}, not ${request.reference} (${outcome.message})`,
          );
        }
        if (existing.shippingMethodCode && existing.shippingMethodCode !== request.service) {
          throw new CarrierRefusedError(
            409,
            'duplicate_order_number',
            `YunExpress already has customer order number ${request.idempotencyKey} with service ${existing.shippingMethodCode}, not ${request.service} (${outcome.message})`,
          );
        }
        wayBill = existing.wayBillNumber;
      } else wayBill = outcome.wayBillNumber;
      // The order is bought now: a label link that fails to come is asked for again when the PDF is wanted.
      const url = await labelUrl(wayBill).catch(() => null);
      return { trackingNumber: wayBill, carrierLabelId: wayBill, routingCode: null, cost: null, labelUrl: url };
    },
    async void(carrierLabelId: string): Promise<void> {
      yun.parseDelete(await send(yun.deleteRequest(credentials, carrierLabelId, 1)));
    },
    async track(trackingNumber: string) {
      return yun.parseTrack(await send(yun.trackRequest(credentials, trackingNumber)));
    },
    async labelPdf(label) {
      return fetchDocument(label.labelUrl ?? (await labelUrl(label.carrierLabelId)), {
        timeoutMs: options.timeoutMs,
        carrierName: 'YunExpress',
      });
    },
  };
}
