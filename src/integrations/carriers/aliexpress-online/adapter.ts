/**
 * The platform's online logistics (线上发货 / Cainiao) behind the carrier interface: protocol.ts's parameters sent
 * through the shop's signed marketplace client (`call`), whose error classification applies unchanged (call limits
 * retried, token errors, ambiguous writes, business refusals with the platform's words).
 *
 * `createLabel`: first the read-back (`querylogisticsorderdetail` by trade order and the key's domestic reference),
 * so a retry after a lost answer resumes the logistics order it created — one key, one logistics order; then the
 * services offered for this order and parcel (`getonlinelogisticsservicelistbyorderid`), the one wanted, and
 * `createwarehouseorder`. Its `intl_tracking_no` is the number: issued by the platform for this order, it needs no
 * format guess. When the answer has none yet, the read-back gives it, or the label waits for a retry.
 * `labelPdf`: `getprintinfo` with the international number → the PDF. There is no void call in our sources: a
 * logistics order is cancelled in the seller centre.
 */
import { transitRange } from '../wire';
import { MarketplaceError, PermanentMarketplaceError, ReauthorisationRequiredError } from '../../aliexpress/errors';
import {
  CarrierRefusedError,
  CarrierUnavailableError,
  type CarrierAdapter,
  type CarrierQuote,
  type CreatedLabel,
} from '../types';
import * as online from './protocol';

/** One signed call through the shop's marketplace client: the object inside `<api>_response`. */
export type MarketplaceCall = (
  method: string,
  params: online.Params,
  kind: 'read' | 'write',
) => Promise<Record<string, unknown>>;

export interface OnlineLogisticsOptions extends Partial<Omit<online.CreateOptions, 'senderAddressId'>> {
  call: MarketplaceCall;
  /** The seller centre's sender address id (`aliexpress.logistics.redefining.getlogisticsselleraddresses`). */
  senderAddressId: string;
  /** For messages: which shop's connection. */
  describe: string;
}

export function createAliExpressOnlineCarrier(options: OnlineLogisticsOptions): CarrierAdapter {
  const createOptions: online.CreateOptions = {
    senderAddressId: options.senderAddressId,
    domesticCompanyId: options.domesticCompanyId ?? '-1',
    domesticCompany: options.domesticCompany ?? 'Seller drop-off',
    undeliverableDecision: options.undeliverableDecision ?? 0,
  };
  const call = async (method: string, params: online.Params, kind: 'read' | 'write') => {
    try {
      return await options.call(method, params, kind);
    } catch (error) {
      throw asCarrierError(error);
    }
  };
  const offered = async (orderId: string, grossWeightG: number, dimsMm: readonly [number, number, number]) =>
    online.parseServices(
      await call(online.ONLINE_LOGISTICS_CALLS.services, online.servicesParams(orderId, grossWeightG, dimsMm), 'read'),
    );
  const readBack = async (tradeOrderId: string, domestic?: string) =>
    online
      .parseQuery(await call(online.ONLINE_LOGISTICS_CALLS.query, online.queryParams(tradeOrderId, domestic), 'read'))
      .filter(online.isLive);

  return {
    describe: `aliexpress-online ${options.describe}`,
    numbersIssuedByPlatform: true,
    async quote(request): Promise<CarrierQuote> {
      if (!request.platformOrderId)
        throw new CarrierRefusedError(
          422,
          'needs_order',
          'AliExpress online logistics quotes per marketplace order: no order was given',
        );
      const service = online.pickService(
        await offered(request.platformOrderId, request.grossWeightG, request.dimsMm),
        request.service,
      );
      if (!service.cost)
        throw new CarrierRefusedError(
          422,
          'no_price',
          `AliExpress online logistics offers ${service.key} without a price estimate (trial_result)`,
        );
      return { service: service.key, cost: service.cost, zone: null, transitDays: transitDays(service.timeliness) };
    },
    async createLabel(request): Promise<CreatedLabel> {
      const domestic = online.domesticReference(request.idempotencyKey);
      const earlier = (await readBack(request.reference, domestic)).find(
        (order) => order.domesticNumber === null || order.domesticNumber === domestic,
      );
      if (earlier?.internationalNumber) return labelOf(earlier, null);
      let created: online.LogisticsOrder;
      let cost = null;
      if (earlier) created = earlier;
      else {
        const service = online.pickService(
          await offered(request.reference, request.grossWeightG, request.dimsMm),
          request.platformService ?? request.service,
        );
        cost = service.cost;
        created = online.parseCreated(
          await call(
            online.ONLINE_LOGISTICS_CALLS.create,
            online.createParams(request, service.key, createOptions),
            'write',
          ),
        );
      }
      if (!created.internationalNumber) {
        const again = (await readBack(request.reference, domestic)).find((order) => order.id === created.id);
        if (!again?.internationalNumber) {
          throw new CarrierUnavailableError(
            `AliExpress online logistics created logistics order ${created.id} but has not given its international tracking number yet: try again shortly (the retry resumes that order)`,
          );
        }
        created = again;
      }
      return labelOf(created, cost);
    },
    async void(): Promise<void> {
      throw new CarrierRefusedError(
        422,
        'void_not_supported',
        'AliExpress online logistics orders are cancelled in the seller centre (no cancel call in the documented API)',
      );
    },
    async track() {
      throw new CarrierRefusedError(
        422,
        'no_tracking',
        'AliExpress online logistics parcels are tracked through the tracking provider',
      );
    },
    async labelPdf(label): Promise<Buffer> {
      const number = label.carrierLabelId.split(':')[1];
      if (!number)
        throw new CarrierRefusedError(422, 'bad_label_id', `not an online logistics label id: ${label.carrierLabelId}`);
      return online.parseLabel(await call(online.ONLINE_LOGISTICS_CALLS.label, online.labelParams(number), 'read'));
    },
  };
}

/** The carrier label id keeps both: the logistics order (`warehouse_order_id`) and the number the label prints. */
function labelOf(order: online.LogisticsOrder, cost: CreatedLabel['cost']): CreatedLabel {
  return {
    trackingNumber: order.internationalNumber!,
    carrierLabelId: `${order.id}:${order.internationalNumber}`,
    routingCode: null,
    cost,
    labelUrl: null,
  };
}

/** `logistics_timeliness` such as `15-35` or `15-35 days` → p50 the lower, p90 the upper bound. */
export function transitDays(timeliness: string | null): CarrierQuote['transitDays'] {
  return transitRange(timeliness);
}

/**
 * The client's classification, as the label flow reads carrier errors: a business refusal (or bad parameters) is
 * the carrier refusing, with the platform's words; a token the platform no longer accepts is a refusal the seller
 * fixes by reconnecting the shop; anything else (call limits after the retries, timeouts, an unknown write outcome)
 * is unavailability — the next attempt with the same key reads back first.
 */
function asCarrierError(error: unknown): Error {
  if (!(error instanceof MarketplaceError)) return error instanceof Error ? error : new Error(String(error));
  if (error instanceof PermanentMarketplaceError)
    return new CarrierRefusedError(
      422,
      error.code,
      `AliExpress online logistics refused: ${error.platformMessage ?? error.message}`,
    );
  if (error instanceof ReauthorisationRequiredError)
    return new CarrierRefusedError(
      401,
      error.code,
      "AliExpress no longer accepts the shop's authorisation: reconnect the shop, then buy the label again",
    );
  return new CarrierUnavailableError(
    `AliExpress online logistics did not answer clearly (${error.kind}, ${error.code}): ${error.message}`,
  );
}
