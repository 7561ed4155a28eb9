import { type BackoffPolicy, backoffMs } from '../backoff';
import { localized, type Localized } from '../i18n';

/**
 * When a provider that failed to take a number is asked again: 1 minute after the first failure, doubling each time,
 * at most 6 hours apart. A webhook-only provider never polls, so a registration dropped leaves it deaf to that parcel:
 * the row is given up (dead) only after REGISTRATION_MAX_ATTEMPTS, about eight days of failures — a provider failing
 * that long is misconfigured (a revoked key, a wrong URL), not down, and asking it forever only hides that.
 */
export const REGISTRATION_FIRST_RETRY_MS = 60_000;
export const REGISTRATION_MAX_RETRY_MS = 6 * 3_600_000;
export const REGISTRATION_BACKOFF: BackoffPolicy = {
  firstMs: REGISTRATION_FIRST_RETRY_MS,
  maxMs: REGISTRATION_MAX_RETRY_MS,
  jitter: 'none',
};
/** Attempts (sends) after which a registration that keeps failing is dead: 9 waits doubling to 4 h 16 min, then 30 of 6 h. */
export const REGISTRATION_MAX_ATTEMPTS = 40;

/** The wait before the next attempt, after `attempts` failed ones (1 or more). */
export function registrationBackoff(attempts: number): number {
  return backoffMs(REGISTRATION_BACKOFF, attempts);
}

/**
 * What the seller reads when a provider gave up on these numbers (one order's, dead after REGISTRATION_MAX_ATTEMPTS):
 * what happened, and what to do in the dashboard.
 */
export function registrationDeadNotice(
  provider: string,
  numbers: readonly string[],
): {
  message: Localized;
  action: Localized;
} {
  const list = numbers.join(', ');
  return {
    message: localized(
      `The tracking provider ${provider} could not be given ${list} after ${REGISTRATION_MAX_ATTEMPTS} attempts over about eight days; shipby stopped asking it, so it sends no tracking updates for them.`,
      `物流服务商 ${provider} 在约八天内 ${REGISTRATION_MAX_ATTEMPTS} 次尝试后仍未能登记运单 ${list}，shipby 已停止重试，这些运单将不会收到此服务商的物流更新。`,
    ),
    action: localized(
      `Follow the parcel on the carrier's website with the number on this order's page in the dashboard. Check the ${provider} account on ${provider}'s own site (key still valid, plan not used up); if its key changed, ask the installation's administrator to enter the new one.`,
      `请在后台本订单页面查看运单号，并在承运商官网查询该包裹。请到 ${provider} 官网检查账户（密钥是否有效、套餐是否用尽）；如密钥已更换，请联系系统管理员填入新密钥。`,
    ),
  };
}
