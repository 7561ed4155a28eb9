/**
 * Carrier services as data (what a seller imports from a contract rate sheet), validated with zod.
 *
 * A service has:
 * - a rate card by destination zone and weight bracket; a bracket is priced either by first weight + additional
 *   steps (`first-additional`) or per kg + a handling fee (`per-kg`); all money in integer minor units of `currency`;
 * - a fuel surcharge in percent of the freight (not of the handling fee);
 * - a volumetric divisor in cm³ per kg (5000 → a 50×40×30 cm box weighs 12 kg volumetric); absent = billed on
 *   actual weight only (postal small packets);
 * - limits (weight, longest side, sum of sides, length + girth, declared value, batteries, liquids);
 * - transit days per zone (optionally per country) as p50 and p90 calendar days from pick-up;
 * - pick-up cut-off times: time of day in an IANA zone, on ISO weekdays (1 = Monday … 7 = Sunday).
 *
 * `parseCarrierService(json)` validates an import; the sample services in `src/core/data/carriers/` are typed with
 * `CarrierService` and validated by the same schema in tests.
 */
import { z } from 'zod';
import { LOGISTICS_CLASSES } from './logistics-class';

const minorUnits = z.number().int().nonnegative();
const grams = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const localizedSchema = z.object({ en: z.string().min(1), 'zh-CN': z.string().min(1) });
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code');

export const BATTERY_KINDS = ['none', 'contained', 'standalone'] as const; // contained = inside/with equipment
export type BatteryKind = (typeof BATTERY_KINDS)[number];

const weightPricingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('first-additional'),
    firstWeightG: positiveInt,
    firstPrice: minorUnits,
    additionalStepG: positiveInt,
    additionalStepPrice: minorUnits,
    handlingFee: minorUnits.optional(),
  }),
  z.object({
    kind: z.literal('per-kg'),
    perKgPrice: minorUnits,
    handlingFee: minorUnits.optional(),
    minChargeableG: grams.optional(), // billed weight is at least this
    roundUpToG: positiveInt.optional(), // billed weight rounded up to a multiple of this (default 1 g)
  }),
]);
export type WeightPricing = z.infer<typeof weightPricingSchema>;

const transitSchema = z
  .object({ p50Days: z.number().positive(), p90Days: z.number().positive() })
  .refine((t) => t.p90Days >= t.p50Days, {
    message: 'p90Days must be at least p50Days',
    params: { zh: 'p90 天数不能少于 p50 天数' },
  });
export type TransitDays = z.infer<typeof transitSchema>;

const rateZoneSchema = z.object({
  id: z.string().min(1),
  /** Destination countries in this zone; `['*']` = every country not listed in another zone. */
  countries: z.array(z.union([countryCode, z.literal('*')])).min(1),
  /** Weight brackets by chargeable weight: the first bracket whose `upToG` is at least the weight applies. */
  brackets: z
    .array(z.object({ upToG: positiveInt, pricing: weightPricingSchema }))
    .min(1)
    .refine((b) => b.every((x, i) => i === 0 || x.upToG > b[i - 1]!.upToG), {
      message: 'brackets must be in increasing upToG',
      params: { zh: '各重量段的上限须逐行递增' },
    }),
  transit: transitSchema,
});
export type RateZone = z.infer<typeof rateZoneSchema>;

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const pickupScheduleSchema = z.object({
  timeZone: z.string().min(1),
  cutoffs: z.array(z.object({ days: z.array(z.number().int().min(1).max(7)).min(1), time: timeOfDay })).min(1),
});
export type PickupSchedule = z.infer<typeof pickupScheduleSchema>;

const serviceLimitsSchema = z.object({
  maxWeightG: positiveInt,
  maxLongestSideMm: positiveInt,
  maxSumOfSidesMm: positiveInt.optional(),
  maxLengthPlusGirthMm: positiveInt.optional(), // longest + 2 × (the other two)
  maxDeclaredValue: z.object({ amount: minorUnits, currency: z.string().length(3) }).optional(),
  batteries: z.enum(BATTERY_KINDS), // the most the service accepts
  liquids: z.boolean(),
});
export type ServiceLimits = z.infer<typeof serviceLimitsSchema>;

export const carrierServiceSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    carrier: z.string().min(1), // tracking carrier code (see tracking/formats.ts), e.g. 'cainiao', 'china-post'
    name: localizedSchema,
    logisticsClass: z.enum(LOGISTICS_CLASSES),
    /** True for the shipped sample data: illustrative prices, not anyone's contract. */
    sample: z.boolean(),
    currency: z.string().length(3),
    fuelSurchargePercent: z.number().min(0).max(100),
    volumetricDivisor: positiveInt.optional(),
    limits: serviceLimitsSchema,
    zones: z.array(rateZoneSchema).min(1),
    transitByCountry: z.record(z.string(), transitSchema).optional(),
    pickup: pickupScheduleSchema,
    /** For postal services: the S10 service indicators it issues, by first letter (ePacket 'L', EMS 'E'). */
    s10IndicatorFirstLetters: z
      .string()
      .regex(/^[A-Z]+$/)
      .optional(),
  })
  .refine(
    (s) => {
      const seen = new Set<string>();
      for (const zone of s.zones)
        for (const c of zone.countries) {
          if (seen.has(c)) return false;
          seen.add(c);
        }
      return true;
    },
    {
      message: 'a country (or "*") may appear in only one zone',
      params: { zh: '同一国家（或 *）只能出现在一个分区中' },
    },
  );
export type CarrierService = z.infer<typeof carrierServiceSchema>;

/** Validates imported service data (e.g. a seller's contract rates); throws a ZodError listing every problem. */
export function parseCarrierService(json: unknown): CarrierService {
  return carrierServiceSchema.parse(json);
}
