/**
 * AliExpress behind the marketplace port: the signed client (integrations/aliexpress/client.ts, its error classes
 * unchanged), the order detail mapped by mapping.ts, the full shipping address of a masked order
 * (`findorderreceiptinfo`), and the platform's online logistics as a carrier.
 *
 * Buyer notice: none. The call shipby used, `aliexpress.message.redefining.versiontwo.addmsg`, is not in the current
 * official IOP SDK (the Java SDK's generated classes, 2024: no `addmsg`); its messaging successor there,
 * `aliexpress/message/send` (`im_send_message_dto`: `buyer_id`, `scene_id`, `template_id`, `message_content_dto`),
 * addresses the buyer by a numeric `buyer_id`, which the order detail does not carry (it gives login ids only:
 * `buyerloginid`, `buyer_info.login_id`). Nothing shipby has can address it, so no notice is sent; the buyer sees the
 * declared tracking number on the order in AliExpress.
 */
import type { AliExpressClient } from '../../aliexpress/client';
import {
  importInputOf,
  mapDeclaredShipments,
  mapOrderDetail,
  mapReceiptAddress,
  OrderMappingError,
} from '../../aliexpress/mapping';
import { parsePlatformTime, SHIPPABLE_STATUSES } from '../../aliexpress/protocol';
import { createAliExpressOnlineCarrier } from '../../carriers/aliexpress-online/adapter';
import type { MarketplacePort, PulledOrder } from '../port';

const ALIEXPRESS_NOTICE_UNAVAILABLE =
  'AliExpress: the retired order-message call (addmsg) is not in the current IOP SDK, and its successor (aliexpress/message/send) needs a numeric buyer id the order detail does not give';

export function aliexpressPort(client: AliExpressClient): MarketplacePort {
  return {
    platform: 'aliexpress',
    async changedOrders(query, options = {}) {
      const page = await client.listOrdersModified(query, options);
      return {
        orders: page.orders.map((o) => ({ orderId: o.orderId, status: o.status, modifiedAt: o.modifiedAt })),
        totalCount: page.totalCount,
      };
    },
    async pullOrder(orderId, options = {}): Promise<PulledOrder> {
      const detail = await client.getOrder(orderId, options);
      const status = detail.order_status ?? '';
      let input: PulledOrder['input'] = null;
      let problem: PulledOrder['problem'] = null;
      let promisedDays: number | undefined;
      let addressMasked = false;
      try {
        ({ input, promisedDays, addressMasked } = importInputOf(mapOrderDetail(detail)));
      } catch (error) {
        if (!(error instanceof OrderMappingError)) throw error;
        problem = { message: error.message, problems: error.problems };
      }
      return {
        orderId,
        status,
        input,
        problem,
        promisedDays,
        addressMasked,
        buyerLoginId: detail.buyerloginid ?? detail.buyer_info?.login_id ?? null,
        sellerLoginId: detail.seller_operator_login_id ?? null,
        modifiedAt: detail.gmt_modified ? parsePlatformTime(detail.gmt_modified) : undefined,
        declaredNumbers: mapDeclaredShipments(detail).map((shipment) => shipment.logistics_no),
        declarable: (SHIPPABLE_STATUSES as readonly string[]).includes(status),
      };
    },
    async receiptAddress(orderId, options = {}) {
      const { address, masked } = mapReceiptAddress(await client.getReceiptInfo(orderId, options));
      return { fields: address, masked };
    },
    async declareShipment(input, options = {}) {
      await client.declareShipment(
        {
          orderId: input.orderId,
          serviceName: input.serviceName,
          logisticsNo: input.trackingNumber,
          sendType: input.sendType,
        },
        options,
      );
    },
    notifyBuyer: null,
    noticeUnavailable: ALIEXPRESS_NOTICE_UNAVAILABLE,
    onlineLogistics(senderAddressId, describe) {
      return createAliExpressOnlineCarrier({
        describe,
        senderAddressId,
        call: async (method, params, kind) => (await client.call(method, params, kind)).response,
      });
    },
  };
}
