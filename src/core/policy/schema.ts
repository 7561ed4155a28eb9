/**
 * Platform policies as validated, versioned data.
 *
 * A policy document says, for one platform mode, how the ship-by deadline is computed, what being late
 * costs and which seller metrics are watched. It carries an `id` (the lineage, e.g. `aliexpress_pop`),
 * a `version` and an `effectiveFrom` instant: an order follows the newest version in force when it was
 * paid (see registry.ts), so a policy changed later never rewrites the past.
 *
 * API
 * - `PolicySchema` (zod v4): the document schema. `PolicyInput` is what a data file writes (defaults may be
 *   omitted), `Policy` is the validated, deeply frozen result (both in policy-types.ts, with the lists and the
 *   error, which the read path imports from there so that it never loads zod).
 * - `parsePolicy(input)`: validates and freezes, or throws `PolicyValidationError` whose `issues` name the
 *   path of each bad field (`fine.steps.1.afterHours`).
 * - `applyOverrides(policy, overrides)`: deep-merges a seller's partial document (objects merge, arrays
 *   and scalars replace, `undefined` is ignored) and re-validates. Used for a shop's own stricter
 *   targets without editing code.
 *
 * Units: durations are hours (decimals allowed), money is integer minor units of the named currency,
 * percentages are integers, rates are fractions in [0, 1]. Dates in windows are local calendar dates in the
 * window's (or the policy's) IANA zone, both ends inclusive.
 */
import { z } from 'zod';
import { fieldRefusal, mustBeKind, schemaRule, zodIssueMessage, zodIssuePath } from '../field-refusals';
import { BUILT_IN_POLICY_DOCUMENTS } from './documents';
import { HOLIDAY_REGIONS } from './holiday-regions';
import {
  deepFreeze,
  HOLIDAY_TYPES,
  isValidZone,
  METRIC_KEYS,
  PLATFORM_MODES,
  PLATFORMS,
  type Policy,
  type PolicyIssue,
  type PolicyOverrides,
  PolicyValidationError,
  SHIPPED_EVENTS,
  SOURCE_QUALITIES,
} from './policy-types';
import { PolicyRegistry } from './registry';
import {
  BuyerCancellationSchema,
  FalseShipmentSchema,
  FineScheduleSchema,
  hours,
  PointsSchema,
  positiveHours,
  WeightMismatchSchema,
} from './schema-fines';

const zoneName = z
  .string()
  .refine(isValidZone, { ...schemaRule('not an IANA time zone', '不是 IANA 时区（例如 Asia/Shanghai）') });
const rate = z.number().min(0).max(1);
const localDate = z.iso.date();

const LocalizedSchema = z.strictObject({ en: z.string().min(1), 'zh-CN': z.string().min(1) });

const SourceSchema = z
  .strictObject({
    url: z.url().optional(),
    quality: z.enum(SOURCE_QUALITIES),
    note: z.string().min(1),
  })
  .refine((source) => source.url !== undefined || source.quality === 'ASSUMPTION', {
    ...schemaRule('a source needs a url unless it is an ASSUMPTION', '来源须有网址，除非其可信度为 ASSUMPTION'),
    path: ['url'],
  });

/** A range of local dates, both ends inclusive, in `zone` (default: the policy's zone). */
const DateWindowSchema = z
  .strictObject({
    name: LocalizedSchema,
    from: localDate,
    to: localDate,
    zone: zoneName.optional(),
  })
  .refine((window) => window.from <= window.to, {
    ...schemaRule('ends before it starts', '结束日期早于开始日期'),
    path: ['to'],
  });

const CalendarSchema = z
  .strictObject({
    /** ISO weekdays (1 = Monday … 7 = Sunday) that are not working days. */
    weekendDays: z.array(z.int().min(1).max(7)).default([6, 7]),
    /** Public holidays from the date-holidays data set; null = none. */
    holidays: z
      .strictObject({
        country: z.string().refine((code) => Object.hasOwn(HOLIDAY_REGIONS, code), {
          ...schemaRule('not a country known to date-holidays', '不是节假日数据中已知的国家'),
        }),
        state: z.string().optional(),
        region: z.string().optional(),
        types: z.array(z.enum(HOLIDAY_TYPES)).min(1).default(['public']),
        /** Holidays (by their name in the data set) that do not close businesses, e.g. CN Children's Day. */
        ignoreNames: z.array(z.string()).default([]),
      })
      .nullable()
      .default(null),
    /** Extra non-working dates (official bridge days, the logistics partner's closures). */
    closedDates: z.array(localDate).default([]),
    /** Working dates that override weekends and holidays (China's make-up working days, 调休). */
    workingDates: z.array(localDate).default([]),
  })
  .superRefine((calendar, ctx) => {
    if (new Set(calendar.weekendDays).size === 7) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule('every weekday is a weekend day: no business day left', '每一天都被设为周末：没有工作日了'),
        path: ['weekendDays'],
      });
    }
    if (calendar.holidays) {
      const { country, state, region } = calendar.holidays;
      // The library's countries, states and regions as data (holiday-regions.ts): validating does not load it.
      const states = HOLIDAY_REGIONS[country] ?? {};
      if (state && !Object.hasOwn(states, state)) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule(`not a state of ${country} in date-holidays`, `节假日数据中没有 ${country} 的这个州或省`),
          path: ['holidays', 'state'],
        });
      } else if (state && region && !(states[state] ?? []).includes(region)) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule(`not a region of ${country}/${state}`, `不是 ${country}/${state} 的地区`),
          path: ['holidays', 'region'],
        });
      }
    }
  });

const HandlingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Continuous clock time: N days = N × 24 h of elapsed time, weekends and DST switches included. */
    kind: z.literal('elapsed_hours'),
    defaultHours: positiveHours,
    /** Above this the platform would not normally accept the listing; exceeding it is reported, not capped. */
    maxHours: positiveHours.optional(),
  }),
  z.strictObject({
    /** Whole business days in the policy's zone; the deadline is the end (24:00) of the last one. */
    kind: z.literal('business_days'),
    defaultDays: z.int().positive({ message: 'must be more than zero' }).max(366),
    maxDays: z.int().positive().max(366).optional(),
    calendar: CalendarSchema,
  }),
]);

const MetricThresholdSchema = z
  .strictObject({
    metric: z.enum(METRIC_KEYS),
    direction: z.enum(['at_most', 'at_least']),
    /** Early-warning level; null = none. */
    warn: rate.nullable().default(null),
    /** The platform's (or the assumed) enforcement level. */
    limit: rate,
    /** Windows (days) the platform assesses this metric over, for display. */
    assessedOverDays: z.array(z.int().positive()).default([]),
    note: z.string().min(1),
  })
  .superRefine((threshold, ctx) => {
    if (threshold.warn === null) return;
    const ordered =
      threshold.direction === 'at_most' ? threshold.warn <= threshold.limit : threshold.warn >= threshold.limit;
    if (!ordered) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule('the warning level must come before the limit', '提醒值须在限值之前达到'),
        path: ['warn'],
      });
    }
  });

const PolicySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'lower-case letters, digits, _ . - only' }),
    version: z.int().positive(),
    /** Orders paid at or after this instant follow this version (until a newer version takes effect). */
    effectiveFrom: z.iso.datetime({ offset: true }),
    platform: z.enum(PLATFORMS),
    mode: z.enum(PLATFORM_MODES),
    name: LocalizedSchema,
    /** The zone in which calendar days, business days and "24:00 of the day" are counted. */
    zone: zoneName,
    sources: z.array(SourceSchema).min(1),

    clockStart: z.enum(['risk_passed_else_payment', 'payment']),
    platformDeadline: z.strictObject({
      /** true: the platform's own countdown, when given, is the deadline; ours is only a cross-check. */
      wins: z.boolean(),
      crossCheckToleranceMinutes: z.number().min(0).default(60),
    }),
    handling: HandlingSchema,
    /** `end_of_local_day`: the deadline is 24:00 of its local day (e.g. a semi-managed pickup day). */
    deadlineAt: z.enum(['instant', 'end_of_local_day']).default('instant'),
    /** Platform-announced windows during which the handling clock stands still (festival extensions). */
    clockPauses: z.array(DateWindowSchema).default([]),
    buyerExtensions: z.strictObject({
      allowed: z.boolean(),
      /** Most hours all extensions together may add; null = no limit known. */
      maxTotalHours: positiveHours.nullable().default(null),
    }),
    shippedWhen: z.enum(SHIPPED_EVENTS),
    /** Hours between handing a parcel over and the counted event (e.g. first carrier scan). */
    handOverLeadHours: hours.default(0),
    /** The shop's own stricter target; both parts optional. */
    internalTarget: z
      .strictObject({
        hoursBeforeDeadline: hours.default(0),
        maxHandlingHours: positiveHours.nullable().default(null),
      })
      .default({ hoursBeforeDeadline: 0, maxHandlingHours: null }),
    /** Hours before the deadline at which a warning is sent, each once. */
    warningHoursBefore: z.array(positiveHours).default([48, 24, 6, 2]),
    /** Hours after the deadline during which shipping is fine-free. */
    graceHours: hours.default(0),
    closing: z.strictObject({
      /** Hours after the deadline at which the platform closes the order (no tracking upload after it); null = never/unknown. */
      hoursAfterDeadline: hours.nullable(),
      note: z.string().min(1),
    }),
    fine: FineScheduleSchema,
    points: PointsSchema,
    cancellation: z.strictObject({
      /** What a seller-caused cancellation is fined as: nothing, the first or the last step of the schedule. */
      fine: z.enum(['none', 'first_step', 'last_step']),
      points: z.int().min(0).default(0),
      note: z.string().min(1),
    }),
    /** A buyer's cancellation request and the time the seller has to answer it (schema-fines.ts). */
    buyerCancellation: BuyerCancellationSchema,
    /** False shipment's points and per-order fine (schema-fines.ts). */
    falseShipment: FalseShipmentSchema,
    /** Semi-managed: the fine bands when the warehouse weight differs from the declared one (schema-fines.ts). */
    weightMismatch: WeightMismatchSchema,
    /** Which seller metrics an order hits when shipped late, left unfulfilled, or cancelled by the seller. */
    effects: z.strictObject({
      late: z.array(z.enum(METRIC_KEYS)),
      unfulfilled: z.array(z.enum(METRIC_KEYS)),
      cancelledBySeller: z.array(z.enum(METRIC_KEYS)),
    }),
    metricThresholds: z.array(MetricThresholdSchema).default([]),
    /** Windows excluded from online-rate statistics (AliExpress: National Day, Spring Festival). */
    metricPauses: z.array(DateWindowSchema).default([]),
  })
  .superRefine((policy, ctx) => {
    const warnings = policy.warningHoursBefore;
    for (let i = 1; i < warnings.length; i++) {
      if (warnings[i]! >= warnings[i - 1]!) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule(
            'warning thresholds must decrease (e.g. 48, 24, 6, 2)',
            '提醒时间须逐个递减（例如 48, 24, 6, 2）',
          ),
          path: ['warningHoursBefore', i],
        });
      }
    }
    const firstStep = (policy.fine.steps as ReadonlyArray<{ afterHours: number }>)[0];
    if (firstStep && firstStep.afterHours < policy.graceHours) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule(
          `a fine step inside the grace period (graceHours = ${policy.graceHours})`,
          `罚款阶梯落在宽限期内（graceHours = ${policy.graceHours}）`,
        ),
        path: ['fine', 'steps', 0, 'afterHours'],
      });
    }
    const handling = policy.handling;
    if (
      handling.kind === 'elapsed_hours' &&
      handling.maxHours !== undefined &&
      handling.maxHours < handling.defaultHours
    ) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule('maxHours is below defaultHours', 'maxHours 小于 defaultHours'),
        path: ['handling', 'maxHours'],
      });
    }
    if (
      handling.kind === 'business_days' &&
      handling.maxDays !== undefined &&
      handling.maxDays < handling.defaultDays
    ) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule('maxDays is below defaultDays', 'maxDays 小于 defaultDays'),
        path: ['handling', 'maxDays'],
      });
    }
    const metrics = policy.metricThresholds.map((threshold) => threshold.metric);
    metrics.forEach((metric, i) => {
      if (metrics.indexOf(metric) !== i) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule(`duplicate threshold for ${metric}`, `${metric} 的阈值重复`),
          path: ['metricThresholds', i, 'metric'],
        });
      }
    });
    if (Number.isNaN(Date.parse(policy.effectiveFrom))) {
      ctx.addIssue({ code: 'custom', ...schemaRule('not a valid instant', '不是有效的时间'), path: ['effectiveFrom'] });
    }
  });
/** The schema's type, for `Policy` and `PolicyInput` (policy-types.ts). */
export type PolicySchemaType = typeof PolicySchema;

export * from './policy-types';

function toIssues(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => {
    // zod reports unknown keys at the parent; the path names the key itself so it points at the typo.
    const path = zodIssuePath(issue).join('.');
    return { path, message: zodIssueMessage(issue, path) };
  });
}

/** Validates a policy document; throws `PolicyValidationError` naming each bad field's path. */
export function parsePolicy(input: unknown): Policy {
  const result = PolicySchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new PolicyValidationError(toIssues(result.error));
  return deepFreeze(result.data) as Policy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // A discriminated part (handling, fine) switched to another kind starts afresh, so no stale keys leak in.
    const base = merged[key];
    const switchesKind =
      isPlainObject(base) &&
      isPlainObject(value) &&
      (('kind' in value && value.kind !== base.kind) || ('basis' in value && value.basis !== base.basis));
    merged[key] = switchesKind ? value : deepMerge(base, value);
  }
  return merged;
}

/**
 * A seller's overrides on top of a policy, re-validated. Refuses (PolicyValidationError) with the path of
 * the bad field, e.g. a negative grace or a fine schedule that would go backwards.
 */
export function applyOverrides(policy: Policy, overrides: PolicyOverrides): Policy {
  if (!isPlainObject(overrides)) {
    throw new PolicyValidationError(
      [{ path: '', message: fieldRefusal('overrides', mustBeKind('object'), overrides) }],
      'policy override',
    );
  }
  const result = PolicySchema.safeParse(deepMerge(policy, overrides), { reportInput: true });
  if (!result.success) throw new PolicyValidationError(toIssues(result.error), 'policy override');
  return deepFreeze(result.data) as Policy;
}

/** Validates raw documents (e.g. loaded from JSON) and builds a registry. */
export function policyRegistryFromDocuments(documents: readonly unknown[]): PolicyRegistry {
  return new PolicyRegistry(documents.map((document) => parsePolicy(document)));
}

/**
 * The text of built-in-policies.generated.ts: the shipped documents validated (defaults filled in, versions
 * checked), as JSON parsed once at load. Written by the build (scripts/build.mjs); a unit test checks that the
 * file in the tree is this text, so a document edited without a build is caught.
 */
export function builtInPoliciesModule(): string {
  const policies = BUILT_IN_POLICY_DOCUMENTS.map((document) => parsePolicy(document));
  new PolicyRegistry(policies); // refuses a repeated version or versions taking effect out of order
  // One single-quoted literal (as Biome formats it): JSON.parse of a string loads faster than an object literal.
  const literal = `'${JSON.stringify(policies).replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return [
    '// Generated by scripts/build.mjs from documents.ts, validated by schema.ts: do not edit (edit the documents).',
    "import type { Policy } from './policy-types';",
    '',
    '/** The shipped policies, validated at build time, in documents.ts order. */',
    'export const BUILT_IN_POLICIES: readonly Policy[] = JSON.parse(',
    `  ${literal},`,
    ');',
    '',
  ].join('\n');
}
