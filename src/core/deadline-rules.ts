/**
 * The steps of a ship-by deadline (deadline.ts puts them together): our own deadline from the clock start and the
 * handling time (continuous hours with the platform's pause windows, or business days on the policy's calendar),
 * then the buyer's extensions. Each appends its reasons, in English and Chinese, with times on the policy zone's
 * wall clock.
 */
import { DeadlineInputError, sortExtensions, type BuyerExtension } from './deadline-input';
import { localized, type Localized } from './i18n';
import { addRunningTime, HOUR_MS, type CompiledPolicy } from './policy/compiled';
import { durationText } from './policy/wording';
import { dateOfDayIndex } from './zone-clock';

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
export function computeBaseDeadline(
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
export function applyExtensions(
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
