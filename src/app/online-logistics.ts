/**
 * The platform's online logistics (线上发货 / Cainiao) as the carrier of an order: the adapter
 * (integrations/carriers/aliexpress-online/) calling through the order's shop connection — its signed client, its
 * token, its error classification. The carrier account (protocol `aliexpress-online`) holds only the seller
 * centre's sender address id; there is no URL or secret of its own.
 */
import { localized } from '../core/i18n';
import type { CarrierAdapter } from '../integrations/carriers/types';
import { aliexpressPort } from '../integrations/marketplace/index';
import * as marketplace from '../store/marketplace';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { clientFromConnection } from './marketplace';
import { masterKeyFromEnv } from './secrets';

export async function onlineLogisticsAdapter(
  ctx: AppContext,
  shopId: string,
  senderAddressId: string,
  masterKey?: Buffer,
): Promise<CarrierAdapter> {
  const connection = await marketplace.getConnection(ctx.store.db, shopId);
  if (!connection) {
    throw new ConflictError(
      'carrier.online_not_connected',
      localized(
        `The platform's online logistics buys labels through the shop's marketplace connection, and shop ${shopId} has none: connect the shop in Settings, or choose another carrier.`,
        `平台线上发货通过店铺的平台连接购买面单，而店铺 ${shopId} 尚未连接：请在设置中连接店铺，或选择其他承运商。`,
      ),
    );
  }
  // The shop's marketplace port gives its platform's own logistics as a carrier.
  return aliexpressPort(
    clientFromConnection(connection, masterKey ?? ctx.masterKey ?? masterKeyFromEnv()),
  ).onlineLogistics(senderAddressId, `shop ${shopId}`);
}
