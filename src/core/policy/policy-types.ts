/**
 * The policy vocabulary without the schema: the lists of platforms, modes and metrics, the `Policy` type, the
 * validation error and the zone check. Everything that reads validated policies (the deadline, the verdicts, the
 * built-in registry) imports from here, so a read command never loads zod; schema.ts (zod) validates documents
 * and seller overrides, at build time for the shipped policies (built-in-policies.generated.ts) and when a shop
 * sets its overrides.
 */
import type { z } from 'zod';
import { localized, type Localized } from '../i18n';
import { isValidTimeZone } from '../time';
import type { PolicySchemaType } from './schema';

export const SOURCE_QUALITIES = ['OFF', 'REAL', 'SEC', 'WEAK', 'VERIFIED', 'ASSUMPTION'] as const;
export type SourceQuality = (typeof SOURCE_QUALITIES)[number];

export const PLATFORMS = ['aliexpress', 'amazon', 'shopee', 'tiktok', 'temu'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_MODES = [
  'aliexpress_pop',
  'aliexpress_semi_jit',
  'aliexpress_semi_self_send',
  'aliexpress_full_jit',
  'aliexpress_overseas',
  'amazon_seller_fulfilled',
  'shopee',
  'tiktok_shop',
  'temu',
] as const;
export type PlatformMode = (typeof PLATFORM_MODES)[number];

export const METRIC_KEYS = [
  'late_shipment_rate',
  'non_fulfilment_rate',
  'valid_tracking_rate',
  'online_rate_48h',
  'online_rate_72h',
  'online_rate_5d',
  'online_rate_7d',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The order event that counts as "shipped" for the platform's deadline. */
export const SHIPPED_EVENTS = ['tracking_uploaded', 'handed_over', 'carrier_scan', 'warehouse_received'] as const;
export type ShippedEvent = (typeof SHIPPED_EVENTS)[number];

export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;

export function isValidZone(name: string): boolean {
  // Only IANA names: fixed offsets ("UTC+8") would silently ignore daylight saving.
  return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && isValidTimeZone(name);
}

type DeepReadonly<T> = T extends (infer E)[]
  ? ReadonlyArray<DeepReadonly<E>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What a policy data file writes: defaults may be left out. */
export type PolicyInput = z.input<PolicySchemaType>;
/** A validated, frozen policy. */
export type Policy = DeepReadonly<z.output<PolicySchemaType>>;
export type FineSchedule = Policy['fine'];

type DeepPartial<T> =
  T extends ReadonlyArray<unknown> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | undefined } : T;
/** A seller's partial document: objects merge, arrays and scalars replace. */
export type PolicyOverrides = DeepPartial<PolicyInput>;

export interface PolicyIssue {
  /** Dotted path of the bad field, e.g. `fine.steps.1.afterHours`. */
  path: string;
  /** What is wrong, naming the field (zod's issues are said by field-refusals.ts). */
  message: Localized;
}

/** What was refused, in Chinese. */
const REFUSED_ZH = { policy: '策略', 'policy override': '策略覆盖设置', 'policy registry': '策略登记表' } as const;

export class PolicyValidationError extends Error {
  readonly issues: readonly PolicyIssue[];
  readonly localized: Localized;

  constructor(issues: readonly PolicyIssue[], what: keyof typeof REFUSED_ZH = 'policy') {
    const en = issues.map((issue) => issue.message.en).join(' ');
    super(`invalid ${what}: ${en}`);
    this.name = 'PolicyValidationError';
    this.issues = issues;
    this.localized = localized(
      `The ${what} was refused: ${en}`,
      `${REFUSED_ZH[what]}被拒绝：${issues.map((issue) => issue.message['zh-CN']).join('')}`,
    );
  }
}

/** Freezes a value and everything in it (a validated policy is shared, never changed). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
