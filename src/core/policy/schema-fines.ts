/**
 * The money parts of a policy document (split from schema.ts along its seam): the lateness fine schedule and the
 * points, and the priced rules beside them — a buyer's cancellation request and its answer time (marketplace-rules
 * §1.5), false shipment's points and per-order fine (§1.7, §1.8), and the semi-managed weight-mismatch bands (§1.9).
 * Units as in schema.ts: hours, integer minor units of the named currency, integer percentages, grams.
 */
import { z } from 'zod';
import { schemaRule } from '../field-refusals';
import { isCurrency } from '../money';

const currencyCode = z.string().refine((code) => /^[A-Z]{3}$/.test(code) && isCurrency(code), {
  ...schemaRule('not an ISO 4217 currency code', '不是 ISO 4217 币种代码'),
});
export const hours = z
  .number()
  .min(0)
  .max(24 * 366);
export const positiveHours = z
  .number()
  .positive({ message: 'must be more than zero' })
  .max(24 * 366);
export const minorAmount = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const percent = z.int().min(0).max(100_000);

const CapSchema = z.strictObject({ amount: minorAmount, currency: currencyCode });

/** Every fine step applies when lateness is strictly more than `afterHours` (until the next step). */
export const FineScheduleSchema = z
  .discriminatedUnion('basis', [
    z.strictObject({
      basis: z.literal('fixed'),
      currency: currencyCode,
      perUnit: z.boolean().default(false),
      steps: z.array(z.strictObject({ afterHours: hours, amount: minorAmount })),
      caps: z.array(CapSchema).default([]),
      note: z.string().min(1),
    }),
    z.strictObject({
      basis: z.literal('product_price'),
      perUnit: z.boolean().default(false),
      steps: z.array(z.strictObject({ afterHours: hours, percent })),
      caps: z.array(CapSchema).default([]),
      note: z.string().min(1),
    }),
    z.strictObject({
      basis: z.literal('order_total'),
      perUnit: z.boolean().default(false),
      steps: z.array(z.strictObject({ afterHours: hours, percent })),
      caps: z.array(CapSchema).default([]),
      note: z.string().min(1),
    }),
    z.strictObject({
      /** A fixed amount chosen by the order total: the first tier whose `orderTotalBelow` exceeds the total. */
      basis: z.literal('order_total_tiers'),
      currency: currencyCode,
      perUnit: z.boolean().default(false),
      steps: z.array(
        z.strictObject({
          afterHours: hours,
          tiers: z.array(z.strictObject({ orderTotalBelow: minorAmount, amount: minorAmount })).min(1),
          otherwise: minorAmount,
        }),
      ),
      caps: z.array(CapSchema).default([]),
      note: z.string().min(1),
    }),
  ])
  .superRefine((schedule, ctx) => {
    const steps = schedule.steps as ReadonlyArray<{ afterHours: number }>;
    for (let i = 1; i < steps.length; i++) {
      if (steps[i]!.afterHours <= steps[i - 1]!.afterHours) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('steps go backwards: afterHours must increase', '阶梯顺序颠倒：afterHours 须逐级递增'),
          path: ['steps', i, 'afterHours'],
        });
      }
    }
    const currencies = schedule.caps.map((cap) => cap.currency);
    if (new Set(currencies).size !== currencies.length) {
      ctx.addIssue({ code: 'custom', ...schemaRule('one cap per currency', '每种币种只能有一个上限'), path: ['caps'] });
    }
    if (schedule.basis === 'fixed') {
      schedule.steps.forEach((step, i) => {
        if (i > 0 && step.amount < schedule.steps[i - 1]!.amount) {
          ctx.addIssue({
            code: 'custom',
            ...schemaRule('steps go backwards: the fine would decrease', '阶梯顺序颠倒：罚款会变少'),
            path: ['steps', i, 'amount'],
          });
        }
      });
    } else if (schedule.basis === 'product_price' || schedule.basis === 'order_total') {
      schedule.steps.forEach((step, i) => {
        if (i > 0 && step.percent < schedule.steps[i - 1]!.percent) {
          ctx.addIssue({
            code: 'custom',
            ...schemaRule('steps go backwards: the fine would decrease', '阶梯顺序颠倒：罚款会变少'),
            path: ['steps', i, 'percent'],
          });
        }
      });
    } else {
      schedule.steps.forEach((step, i) => {
        step.tiers.forEach((tier, t) => {
          if (t > 0 && tier.orderTotalBelow <= step.tiers[t - 1]!.orderTotalBelow) {
            ctx.addIssue({
              code: 'custom',
              ...schemaRule('tiers must be in increasing order total', '订单金额档位须逐级递增'),
              path: ['steps', i, 'tiers', t, 'orderTotalBelow'],
            });
          }
        });
        if (i === 0) return;
        const previous = schedule.steps[i - 1]!;
        const sameTiers =
          previous.tiers.length === step.tiers.length &&
          previous.tiers.every((tier, t) => tier.orderTotalBelow === step.tiers[t]!.orderTotalBelow);
        if (!sameTiers) {
          ctx.addIssue({
            code: 'custom',
            ...schemaRule('every step must use the same order-total tiers', '每一级阶梯须使用相同的订单金额档位'),
            path: ['steps', i, 'tiers'],
          });
          return;
        }
        step.tiers.forEach((tier, t) => {
          if (tier.amount < previous.tiers[t]!.amount) {
            ctx.addIssue({
              code: 'custom',
              ...schemaRule('steps go backwards: the fine would decrease', '阶梯顺序颠倒：罚款会变少'),
              path: ['steps', i, 'tiers', t, 'amount'],
            });
          }
        });
        if (step.otherwise < previous.otherwise) {
          ctx.addIssue({
            code: 'custom',
            ...schemaRule('steps go backwards: the fine would decrease', '阶梯顺序颠倒：罚款会变少'),
            path: ['steps', i, 'otherwise'],
          });
        }
      });
    }
  });

export const PointsSchema = z
  .strictObject({
    /** Score points deducted per order, a step function of lateness like the fine. */
    steps: z.array(z.strictObject({ afterHours: hours, points: z.int().min(0) })),
    note: z.string().min(1),
  })
  .superRefine((points, ctx) => {
    points.steps.forEach((step, i) => {
      if (i === 0) return;
      const previous = points.steps[i - 1]!;
      if (step.afterHours <= previous.afterHours) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('steps go backwards: afterHours must increase', '阶梯顺序颠倒：afterHours 须逐级递增'),
          path: ['steps', i, 'afterHours'],
        });
      }
      if (step.points < previous.points) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('steps go backwards: points would decrease', '阶梯顺序颠倒：扣分会变少'),
          path: ['steps', i, 'points'],
        });
      }
    });
  });

/**
 * A buyer's cancellation request (§1.5): the seller answers within `answerHours` of elapsed time, else the platform
 * cancels the order by itself. null: the platform has no such rule (or shipby does not know it).
 */
export const BuyerCancellationSchema = z
  .strictObject({
    answerHours: positiveHours,
    /** Start it with "ASSUMPTION" when the rule rests on a weak source: the situation then says so. */
    note: z.string().min(1),
  })
  .nullable()
  .default(null);

/**
 * False shipment priced (§1.7, §1.8): points per occurrence, and a fixed fine per order chosen by the order total in
 * `currency` (the first tier whose `orderTotalBelow` exceeds the total, else `otherwise`). null: not priced.
 */
export const FalseShipmentSchema = z
  .strictObject({
    pointsPerOccurrence: z.int().min(0),
    currency: currencyCode,
    tiers: z.array(z.strictObject({ orderTotalBelow: minorAmount, amount: minorAmount })).min(1),
    otherwise: minorAmount,
    note: z.string().min(1),
  })
  .superRefine((rule, ctx) => {
    rule.tiers.forEach((tier, t) => {
      if (t === 0) return;
      const previous = rule.tiers[t - 1]!;
      if (tier.orderTotalBelow <= previous.orderTotalBelow) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('tiers must be in increasing order total', '订单金额档位须逐级递增'),
          path: ['tiers', t, 'orderTotalBelow'],
        });
      }
      if (tier.amount < previous.amount) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('the fine would decrease as the order total grows', '订单金额越高，罚款反而越少'),
          path: ['tiers', t, 'amount'],
        });
      }
    });
    if (rule.otherwise < rule.tiers[rule.tiers.length - 1]!.amount) {
      ctx.addIssue({
        code: 'custom',
        ...schemaRule('the fine would decrease as the order total grows', '订单金额越高，罚款反而越少'),
        path: ['otherwise'],
      });
    }
  })
  .nullable()
  .default(null);

/**
 * Semi-managed weight mismatch (§1.9): the platform's warehouse weighs a parcel at other than its declared weight.
 * A band applies when the difference (grams, either way) is strictly more than its `overGrams`, until the next band;
 * its `amount` is the fine per parcel. The source gives no amounts, so the shipped policies leave `bands` empty
 * for the seller to set (the shop's policy overrides). null: no such rule in this mode.
 */
export const WeightMismatchSchema = z
  .strictObject({
    currency: currencyCode,
    bands: z.array(z.strictObject({ overGrams: z.int().min(0).max(1_000_000), amount: minorAmount })),
    note: z.string().min(1),
  })
  .superRefine((rule, ctx) => {
    rule.bands.forEach((band, b) => {
      if (b === 0) return;
      const previous = rule.bands[b - 1]!;
      if (band.overGrams <= previous.overGrams) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('bands must be in increasing overGrams', '重量区间须按 overGrams 逐级递增'),
          path: ['bands', b, 'overGrams'],
        });
      }
      if (band.amount < previous.amount) {
        ctx.addIssue({
          code: 'custom',
          ...schemaRule('bands go backwards: the fine would decrease', '重量区间顺序颠倒：罚款会变少'),
          path: ['bands', b, 'amount'],
        });
      }
    });
  })
  .nullable()
  .default(null);
