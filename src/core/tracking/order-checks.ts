/**
 * The tracking number checks that look beyond the number (core/tracking/number-check.ts): `reuse` (no other order
 * used it within the re-use window) and `logistics-class` (the declared service is at least the buyer's choice).
 */
import { localized } from '../i18n';
import { LOGISTICS_CLASS_LABELS, meetsLogisticsClass } from '../carrier/logistics-class';
import type { TrackingCheck, TrackingCheckOptions } from './check-types';

const DAY_MS = 86_400_000;

export function reuseCheck(options: TrackingCheckOptions): TrackingCheck {
  if (!options.usedBy) {
    return {
      id: 'reuse',
      result: 'skip',
      message: localized('Not looked up against other orders.', '未与其他订单比对。'),
    };
  }
  const windowMs = (options.reuseWindowDays ?? 365) * DAY_MS;
  const now = options.now;
  const recent = options.usedBy.filter((use) => now === undefined || now - use.usedAt < windowMs);
  if (recent.length === 0) {
    return {
      id: 'reuse',
      result: 'pass',
      message: localized('No other order uses this number.', '没有其他订单使用此单号。'),
    };
  }
  const shown = recent.slice(0, 5).map((use) => use.orderId);
  const more = recent.length > shown.length ? ` (+${recent.length - shown.length})` : '';
  return {
    id: 'reuse',
    result: 'fail',
    message: localized(
      `Already used by order ${shown.join(', ')}${more}: one number belongs to one parcel.`,
      `已被订单 ${shown.join('、')}${more} 使用：一个单号只能对应一个包裹。`,
    ),
  };
}

export function logisticsClassCheck(options: TrackingCheckOptions): TrackingCheck {
  const service = options.service;
  const buyer = options.buyerLogisticsClass;
  if (!service || !buyer) {
    return {
      id: 'logistics-class',
      result: 'skip',
      message: localized(
        "No declared service or buyer's logistics choice to compare.",
        '缺少申报物流服务或买家所选物流方式，无法比对。',
      ),
    };
  }
  const serviceClass = LOGISTICS_CLASS_LABELS[service.logisticsClass];
  const buyerClass = LOGISTICS_CLASS_LABELS[buyer];
  if (meetsLogisticsClass(service.logisticsClass, buyer)) {
    return {
      id: 'logistics-class',
      result: 'pass',
      message: localized(
        `Declared ${serviceClass.en} service meets the buyer's ${buyerClass.en} choice.`,
        `申报的${serviceClass['zh-CN']}服务满足买家选择的${buyerClass['zh-CN']}物流。`,
      ),
    };
  }
  const reason = options.override?.reason.trim();
  if (reason) {
    return {
      id: 'logistics-class',
      result: 'warn',
      message: localized(
        `Declared ${serviceClass.en} service is below the buyer's ${buyerClass.en} choice; overridden: ${reason}`,
        `申报的${serviceClass['zh-CN']}服务低于买家选择的${buyerClass['zh-CN']}物流；已人工确认：${reason}`,
      ),
    };
  }
  return {
    id: 'logistics-class',
    result: 'fail',
    message: localized(
      `Declared ${serviceClass.en} service is below the buyer's ${buyerClass.en} choice: ship the class the buyer chose, or record the buyer's agreement as an override reason.`,
      `申报的${serviceClass['zh-CN']}服务低于买家选择的${buyerClass['zh-CN']}物流：请按买家所选方式发货，或填写买家同意的理由。`,
    ),
  };
}
