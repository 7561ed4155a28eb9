/**
 * Maps a marketplace's order status (or shipby's own state name) to shipby's order state.
 * AliExpress names are from the rules digest, section 1.3.
 */
import type { OrderState } from './order';
import { ORDER_STATES } from './order';

const ALIEXPRESS: Record<string, OrderState> = {
  RISK_CONTROL: 'new',
  RISK_CONTROL_HOLD: 'new',
  WAIT_SELLER_SEND_GOODS: 'awaiting_shipment',
  SELLER_PART_SEND_GOODS: 'partially_shipped',
  WAIT_BUYER_ACCEPT_GOODS: 'shipped',
  FUND_PROCESSING: 'completed',
  FINISH: 'completed',
  // A buyer's cancellation request or an issue does not stop the ship-by clock.
  IN_CANCEL: 'awaiting_shipment',
  IN_ISSUE: 'awaiting_shipment',
  IN_FROZEN: 'awaiting_shipment',
  WAIT_SELLER_EXAMINE_MONEY: 'awaiting_shipment',
};

const PLATFORM_STATUS_MAPS: Record<string, Record<string, OrderState>> = {
  aliexpress: ALIEXPRESS,
};

/** Bare timestamps from a platform are read in its zone (AliExpress: US Pacific, digest 1.3). */
export const PLATFORM_TIME_ZONES: Record<string, string> = {
  aliexpress: 'America/Los_Angeles',
};

export function mapPlatformStatus(platform: string, status: string): OrderState | undefined {
  const own = status.trim().toLowerCase();
  if ((ORDER_STATES as readonly string[]).includes(own)) return own as OrderState;
  return PLATFORM_STATUS_MAPS[platform]?.[status.trim().toUpperCase()];
}
