/**
 * Ship-by deadlines and the warnings before them. Pure: every instant is UTC epoch ms passed in.
 *
 * - `computeShipBy(facts, policy)` → `{ shipByAt, source, computedAt, reasons, … }`.
 *   The clock starts when the platform's risk review passed (fallback: payment; a conservative, earlier
 *   start). Handling time is continuous hours (N days = N × 24 h, so a daylight-saving switch moves the
 *   local wall-clock end by an hour) or whole business days in the policy's zone, skipping weekends,
 *   holidays and the platform's announced pause windows. Where the policy says the platform's countdown
 *   wins and the facts carry it, the platform's deadline is the answer and ours is only a cross-check: the
 *   result is never earlier than the platform's. Buyer-agreed extensions (hours, or a new deadline) are
 *   applied in order of agreement; one agreed after the deadline it would extend, or one that would
 *   shorten it, is ignored with a reason. Bad facts throw `DeadlineInputError`, never default silently.
 * - `warningsDue(shipByAt, now, thresholdsHours, alreadySent)` → the threshold warnings crossed and not yet
 *   sent; only the most urgent one is meant to be sent (`superseded: false`), all are to be recorded.
 *
 * Guarantees (property-tested): a later payment never gives an earlier deadline; an extension never
 * shortens one; the order in which extensions are listed does not matter.
 */
import { localized, type Localized } from './i18n';
import type { Policy } from './policy/schema';
import { addRunningTime, compilePolicy, dateOfDayIndex, HOUR_MS, type CompiledPolicy } from './policy/compiled';
import { durationText } from './policy/wording';

/** A deadline extension the buyer (or the platform) agreed to: extra hours, or a new deadline. */
export type BuyerExtension = (
  | { hours: number; newDeadlineAt?: undefined }
  | { newDeadlineAt: number; hours?: undefined }
) & {
  /** Who agreed: the buyer's login, "platform", a staff member. */
  agreedBy: string;
  agreedAt: number;
  note?: string;
};

export interface ShipByFacts {
  paidAt: number;
  /** When the platform's risk review passed (AliExpress: entered WAIT_SELLER_SEND_GOODS). */
  riskPassedAt?: number;
  /** The platform's own deadline (AliExpress over_time_left / countdown), when the API gave one. */
  platformShipByAt?: number;
  /** The order's handling time (AliExpress goods_prepare_time); replaces the policy's default. */
  handlingDays?: number;
  extensions: readonly BuyerExtension[];
}

export type CrossCheck = 'not_applicable' | 'match' | 'platform_earlier' | 'platform_later';

export interface ShipBy {
  shipByAt: number;
  source: 'platform' | 'computed';
  /** Our own computation (with extensions); equals shipByAt when source is 'computed'. */
  computedAt: number;
  clockStartAt: number;
  clockStartSource: 'risk_passed' | 'payment';
  /** Our computation before extensions. */
  baseDeadlineAt: number;
  /** How our computation compares with the platform's deadline. */
  crossCheck: CrossCheck;
  reasons: Localized[];
}

export class DeadlineInputError extends Error {
  readonly field: string;
  readonly localized: Localized;
  constructor(field: string, message: Localized) {
    super(`${field}: ${message.en}`);
    this.name = 'DeadlineInputError';
    this.field = field;
    this.localized = message;
  }
}

function requireInstant(value: number, field: string): void {
  if (!Number.isFinite(value)) {
    throw new DeadlineInputError(field, localized('is not a valid instant (epoch ms)', '不是有效的时间（epoch 毫秒）'));
  }
}

/** A canonical text form of an extension: equal keys mean the same agreement (a replay). */
export function extensionKey(extension: BuyerExtension): string {
  return `${extension.agreedAt}|${extension.hours ?? ''}|${extension.newDeadlineAt ?? ''}|${extension.agreedBy}|${extension.note ?? ''}`;
}

/** Extensions in a canonical order (time of agreement, then content), so listing order never matters. */
export function sortExtensions(extensions: readonly BuyerExtension[]): BuyerExtension[] {
  return [...extensions].sort((a, b) => {
    if (a.agreedAt !== b.agreedAt) return a.agreedAt - b.agreedAt;
    const keyA = extensionKey(a);
    const keyB = extensionKey(b);
    return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
  });
}

function validateExtension(extension: BuyerExtension, index: number): void {
  const field = `extensions.${index}`;
  requireInstant(extension.agreedAt, `${field}.agreedAt`);
  if (typeof extension.agreedBy !== 'string' || extension.agreedBy.trim() === '') {
    throw new DeadlineInputError(
      `${field}.agreedBy`,
      localized('an extension must say who agreed to it', '延期必须注明由谁同意'),
    );
  }
  if (extension.hours !== undefined) {
    if (!Number.isFinite(extension.hours) || extension.hours <= 0) {
      throw new DeadlineInputError(
        `${field}.hours`,
        localized('extension hours must be more than zero', '延期小时数必须大于零'),
      );
    }
  } else if (extension.newDeadlineAt !== undefined) {
    requireInstant(extension.newDeadlineAt, `${field}.newDeadlineAt`);
  } else {
    throw new DeadlineInputError(
      field,
      localized('an extension needs hours or a new deadline', '延期需要小时数或新的截止时间'),
    );
  }
}

function handlingText(compiled: CompiledPolicy, handlingDays: number | undefined): { en: string; zh: string } {
  const handling = compiled.policy.handling;
  if (handling.kind === 'elapsed_hours') {
    const hours = handlingDays !== undefined ? handlingDays * 24 : handling.defaultHours;
    return { en: `${hours} h`, zh: `${hours}小时` };
  }
  const days = handlingDays ?? handling.defaultDays;
  return { en: `${days} business day${days === 1 ? '' : 's'}`, zh: `${days}个工作日` };
}

/** The deadline from our own rules, before extensions. Appends its reasons. */
function computeBaseDeadline(
  compiled: CompiledPolicy,
  clockStartAt: number,
  handlingDays: number | undefined,
  reasons: Localized[],
): number {
  const { policy, zone } = compiled;
  const handling = policy.handling;
  let deadline: number;
  if (handling.kind === 'elapsed_hours') {
    const handlingMs = handlingDays !== undefined ? handlingDays * 24 * HOUR_MS : compiled.defaultHandlingMs;
    deadline = addRunningTime(clockStartAt, handlingMs, compiled.clockPauses);
    const text = handlingText(compiled, handlingDays);
    reasons.push(
      localized(
        `Handling time ${text.en} of continuous time (weekends and daylight-saving switches included): ${zone.describe(deadline)}.`,
        `备货期 ${text.zh}，按连续时间计算（含周末与夏令时切换）：${zone.describe(deadline)}。`,
      ),
    );
    const pausedMs = deadline - clockStartAt - handlingMs;
    if (pausedMs > 0) {
      const paused = durationText(pausedMs);
      reasons.push(
        localized(
          `The platform's announced pause windows stopped the clock for ${paused.en}.`,
          `平台公布的暂停期使计时暂停了 ${paused.zh}。`,
        ),
      );
    }
  } else {
    const days = handlingDays ?? handling.defaultDays;
    const calendar = compiled.calendar!;
    let day = zone.localDay(clockStartAt);
    let remaining = days;
    const skipped: number[] = [];
    for (let guard = 0; remaining > 0; guard++) {
      if (guard > 3660) {
        throw new DeadlineInputError(
          'policy.handling.calendar',
          localized('no business day within ten years', '十年内没有工作日'),
        );
      }
      day++;
      if (calendar.isBusinessDay(day)) remaining--;
      else skipped.push(day);
    }
    deadline = zone.startOfDay(day + 1);
    const text = handlingText(compiled, handlingDays);
    reasons.push(
      localized(
        `Handling time ${text.en} in ${zone.name}, counted from the day after the clock start: ends at 24:00 of ${dateOfDayIndex(day)}.`,
        `备货期 ${text.zh}（${zone.name}），从计时开始的次日算起：截至 ${dateOfDayIndex(day)} 24:00。`,
      ),
    );
    if (skipped.length > 0) {
      const list = skipped.map(dateOfDayIndex).join(', ');
      reasons.push(localized(`Non-working days skipped: ${list}.`, `跳过的非工作日：${list}。`));
    }
  }
  if (policy.deadlineAt === 'end_of_local_day') {
    const endOfDay = zone.endOfDayContaining(deadline);
    if (endOfDay !== deadline) {
      deadline = endOfDay;
      reasons.push(
        localized(
          `The deadline is a whole day: 24:00 of that day in ${zone.name}, ${zone.describe(deadline)}.`,
          `截止时间按整天计算：${zone.name} 当天 24:00，即 ${zone.describe(deadline)}。`,
        ),
      );
    }
  }
  return deadline;
}

/** Applies buyer extensions in canonical order; returns the extended deadline and appends reasons. */
function applyExtensions(
  compiled: CompiledPolicy,
  baseDeadline: number,
  extensions: readonly BuyerExtension[],
  reasons: Localized[],
): number {
  if (extensions.length === 0) return baseDeadline;
  const { policy, zone } = compiled;
  if (!policy.buyerExtensions.allowed) {
    reasons.push(
      localized(
        `${extensions.length} recorded extension(s) ignored: this policy does not allow buyer extensions.`,
        `已记录的 ${extensions.length} 个延期被忽略：该策略不允许买家延期。`,
      ),
    );
    return baseDeadline;
  }
  const capAt = compiled.extensionCapMs === null ? Number.POSITIVE_INFINITY : baseDeadline + compiled.extensionCapMs;
  let deadline = baseDeadline;
  for (const extension of extensions.length === 1 ? extensions : sortExtensions(extensions)) {
    const who = extension.agreedBy;
    const when = zone.describe(extension.agreedAt);
    if (extension.agreedAt > deadline) {
      reasons.push(
        localized(
          `Extension agreed by ${who} at ${when} ignored: it came after the deadline ${zone.describe(deadline)}.`,
          `${who} 于 ${when} 同意的延期被忽略：晚于截止时间 ${zone.describe(deadline)}。`,
        ),
      );
      continue;
    }
    const wanted = extension.hours !== undefined ? deadline + extension.hours * HOUR_MS : extension.newDeadlineAt!;
    if (wanted <= deadline) {
      reasons.push(
        localized(
          `Extension agreed by ${who} at ${when} ignored: it would not make the deadline later.`,
          `${who} 于 ${when} 同意的延期被忽略：不会推迟截止时间。`,
        ),
      );
      continue;
    }
    const extended = Math.min(wanted, capAt);
    if (extended <= deadline) {
      reasons.push(
        localized(
          `Extension agreed by ${who} at ${when} ignored: the ${policy.buyerExtensions.maxTotalHours} h extension limit is used up.`,
          `${who} 于 ${when} 同意的延期被忽略：${policy.buyerExtensions.maxTotalHours} 小时的延期上限已用完。`,
        ),
      );
      continue;
    }
    const limited = extended < wanted ? ` (limited to ${policy.buyerExtensions.maxTotalHours} h in total)` : '';
    const limitedZh = extended < wanted ? `（累计上限 ${policy.buyerExtensions.maxTotalHours} 小时）` : '';
    reasons.push(
      localized(
        `Extension agreed by ${who} at ${when}: ${zone.describe(deadline)} → ${zone.describe(extended)}${limited}.`,
        `${who} 于 ${when} 同意延期：${zone.describe(deadline)} → ${zone.describe(extended)}${limitedZh}。`,
      ),
    );
    deadline = extended;
  }
  return deadline;
}

/** The ship-by deadline of an order under a policy, with the reasons in English and Chinese. */
export function computeShipBy(facts: ShipByFacts, policy: Policy): ShipBy {
  const compiled = compilePolicy(policy);
  const { zone } = compiled;
  requireInstant(facts.paidAt, 'paidAt');
  if (facts.riskPassedAt !== undefined) requireInstant(facts.riskPassedAt, 'riskPassedAt');
  if (facts.platformShipByAt !== undefined) requireInstant(facts.platformShipByAt, 'platformShipByAt');
  const handlingDays = facts.handlingDays;
  if (handlingDays !== undefined) {
    if (!Number.isFinite(handlingDays) || handlingDays <= 0) {
      throw new DeadlineInputError(
        'handlingDays',
        localized('a handling time must be more than zero', '备货期必须大于零'),
      );
    }
    if (policy.handling.kind === 'business_days' && !Number.isInteger(handlingDays)) {
      throw new DeadlineInputError(
        'handlingDays',
        localized('business days must be a whole number', '工作日数必须是整数'),
      );
    }
  }
  const extensions = facts.extensions ?? [];
  extensions.forEach(validateExtension);

  const reasons: Localized[] = [];
  let clockStartAt = facts.paidAt;
  let clockStartSource: ShipBy['clockStartSource'] = 'payment';
  if (policy.clockStart === 'risk_passed_else_payment') {
    if (facts.riskPassedAt === undefined) {
      reasons.push(
        localized(
          `The clock starts at payment, ${zone.describe(clockStartAt)}: the risk-review time is not known (an earlier, conservative start).`,
          `计时从付款时间 ${zone.describe(clockStartAt)} 开始：风控审核通过时间未知（更早、更保守的起点）。`,
        ),
      );
    } else if (facts.riskPassedAt < facts.paidAt) {
      reasons.push(
        localized(
          `The risk review cannot pass before payment: the clock starts at payment, ${zone.describe(clockStartAt)}.`,
          `风控审核不可能早于付款：计时从付款时间 ${zone.describe(clockStartAt)} 开始。`,
        ),
      );
    } else {
      clockStartAt = facts.riskPassedAt;
      clockStartSource = 'risk_passed';
      reasons.push(
        localized(
          `The clock starts when the risk review passed, ${zone.describe(clockStartAt)}.`,
          `计时从风控审核通过时开始：${zone.describe(clockStartAt)}。`,
        ),
      );
    }
  } else {
    reasons.push(
      localized(
        `The clock starts at payment, ${zone.describe(clockStartAt)}.`,
        `计时从付款时间开始：${zone.describe(clockStartAt)}。`,
      ),
    );
  }

  if (
    handlingDays !== undefined &&
    compiled.maxHandlingMs !== null &&
    handlingDays * 24 * HOUR_MS > compiled.maxHandlingMs
  ) {
    const max = durationText(compiled.maxHandlingMs);
    reasons.push(
      localized(
        `The order's handling time (${handlingDays} d) is above this policy's usual maximum of ${max.en}; it is used as given.`,
        `该订单的备货期（${handlingDays}天）超过本策略通常的上限 ${max.zh}；按原值使用。`,
      ),
    );
  }

  const baseDeadlineAt = computeBaseDeadline(compiled, clockStartAt, handlingDays, reasons);
  const computedAt = applyExtensions(compiled, baseDeadlineAt, extensions, reasons);

  if (facts.platformShipByAt === undefined || !policy.platformDeadline.wins) {
    if (facts.platformShipByAt !== undefined) {
      reasons.push(
        localized(
          `The platform's deadline ${zone.describe(facts.platformShipByAt)} is recorded but this policy computes its own.`,
          `已记录平台截止时间 ${zone.describe(facts.platformShipByAt)}，但本策略使用自行计算的结果。`,
        ),
      );
    }
    return {
      shipByAt: computedAt,
      source: 'computed',
      computedAt,
      clockStartAt,
      clockStartSource,
      baseDeadlineAt,
      crossCheck: 'not_applicable',
      reasons,
    };
  }

  let platformAt = facts.platformShipByAt;
  if (policy.deadlineAt === 'end_of_local_day') platformAt = zone.endOfDayContaining(platformAt);
  reasons.push(
    localized(
      `The platform's own deadline wins: ${zone.describe(platformAt)}.`,
      `以平台自己的截止时间为准：${zone.describe(platformAt)}。`,
    ),
  );
  const difference = platformAt - computedAt;
  const crossCheck: CrossCheck =
    Math.abs(difference) <= compiled.toleranceMs ? 'match' : difference < 0 ? 'platform_earlier' : 'platform_later';
  if (crossCheck !== 'match') {
    const gap = durationText(difference);
    reasons.push(
      crossCheck === 'platform_earlier'
        ? localized(
            `Cross-check: the platform's deadline is ${gap.en} earlier than ours (${zone.describe(computedAt)}); the platform's is kept.`,
            `核对：平台截止时间比我们计算的（${zone.describe(computedAt)}）早 ${gap.zh}；以平台为准。`,
          )
        : localized(
            `Cross-check: the platform gives ${gap.en} more than our computation (${zone.describe(computedAt)}); the platform's is kept.`,
            `核对：平台给出的时间比我们计算的（${zone.describe(computedAt)}）多 ${gap.zh}；以平台为准。`,
          ),
    );
  }
  if (extensions.length > 0) {
    reasons.push(
      localized(
        'Recorded extensions are not added to the platform deadline: the platform applies an agreed extension to its own countdown.',
        '已记录的延期不会叠加到平台截止时间上：买家同意的延期由平台计入其倒计时。',
      ),
    );
  }
  return {
    shipByAt: platformAt,
    source: 'platform',
    computedAt,
    clockStartAt,
    clockStartSource,
    baseDeadlineAt,
    crossCheck,
    reasons,
  };
}

export interface WarningDue {
  hoursBefore: number;
  /** When this warning became due (deadline − hoursBefore). */
  dueAt: number;
  /** true when a more urgent warning is also due: record it as sent, but send only the most urgent. */
  superseded: boolean;
}

/**
 * The warnings (hours before the deadline) whose time has come and that were not sent yet, earliest first.
 * None once the deadline has passed (the verdict takes over).
 */
export function warningsDue(
  shipByAt: number,
  now: number,
  thresholdsHours: readonly number[],
  alreadySent: Iterable<number>,
): WarningDue[] {
  requireInstant(shipByAt, 'shipByAt');
  requireInstant(now, 'now');
  for (const hours of thresholdsHours) {
    if (!Number.isFinite(hours) || hours <= 0) {
      throw new DeadlineInputError(
        'thresholdsHours',
        localized('warning thresholds must be more than zero hours', '提醒阈值必须大于零小时'),
      );
    }
  }
  if (now >= shipByAt) return [];
  const sent = new Set(alreadySent);
  const due = thresholdsHours
    .filter((hours) => !sent.has(hours) && now >= shipByAt - hours * HOUR_MS)
    .sort((a, b) => b - a)
    .map((hours) => ({ hoursBefore: hours, dueAt: shipByAt - hours * HOUR_MS, superseded: true }));
  if (due.length > 0) due[due.length - 1]!.superseded = false;
  return due;
}
