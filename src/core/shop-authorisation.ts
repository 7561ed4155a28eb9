/**
 * A shop's authorisation at its marketplace, pure: one machine (`authorised` ⇄ `paused`), when a token is due for
 * refresh, whether an authorisation request (`state`) may still be completed, and the seller's messages in English
 * and Chinese. app/shop-authorisation.ts records it; the sync and the outbox read `paused` and wait.
 *
 * The platform's rules (AliExpress Open Platform, "Authorize your APP" and "/auth/token/refresh"; see
 * test/fixtures/aliexpress/README.md): an access token lives `expires_in` seconds (30 days for a launched app, 1 day
 * in test status), the refresh token `refresh_expires_in` (60 / 2 days); a refresh gives a new access and refresh
 * token, resets the access token's life but not the refresh token's, and is advised 30 minutes before expiry at
 * the latest. When the refresh token is gone, only the seller can authorise the shop again.
 */
import { localized, type Localized } from './i18n';
import { defineMachine } from './state-machine';

const AUTHORISATION_STATES = ['authorised', 'paused'] as const;
export type AuthorisationState = (typeof AUTHORISATION_STATES)[number];
export type AuthorisationAction = 'refreshed' | 'refresh_refused' | 'authorised_again';

export const authorisationMachine = defineMachine<AuthorisationState, AuthorisationAction, Record<string, never>>({
  name: 'shop authorisation',
  label: { en: 'shop authorisation', zh: '店铺授权' },
  states: AUTHORISATION_STATES,
  transitions: {
    refreshed: { from: ['authorised'], to: 'authorised' },
    refresh_refused: { from: ['authorised'], to: 'paused' },
    authorised_again: { from: ['authorised', 'paused'], to: 'authorised' },
  },
});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Refresh when less than this is left of the access token (the platform advises at least 30 minutes before). */
export const DEFAULT_REFRESH_AHEAD_MS = 3 * DAY_MS;

/**
 * How far ahead to refresh a token that lives `lifetimeMs`: `ahead`, but never more than half its life, so a
 * short-lived token (1 day in test status) is not refreshed at every tick.
 */
export function refreshAheadMs(lifetimeMs: number | null, aheadMs = DEFAULT_REFRESH_AHEAD_MS): number {
  if (lifetimeMs === null || lifetimeMs <= 0) return aheadMs;
  return Math.min(aheadMs, Math.floor(lifetimeMs / 2));
}

export interface TokenTimes {
  /** Epoch ms the access token expires; null = unknown (a pasted token): never refreshed. */
  accessExpiresAt: number | null;
  /** When the access token was issued (to know its lifetime). */
  issuedAt: number | null;
  /** Epoch ms the refresh token stops working; null = no refresh token. */
  refreshExpiresAt: number | null;
}

/** Whether the token should be refreshed now. */
export function refreshDue(times: TokenTimes, now: number, aheadMs = DEFAULT_REFRESH_AHEAD_MS): boolean {
  if (times.accessExpiresAt === null || times.refreshExpiresAt === null) return false;
  const lifetime = times.issuedAt === null ? null : times.accessExpiresAt - times.issuedAt;
  return times.accessExpiresAt - now <= refreshAheadMs(lifetime, aheadMs);
}

/** What is wrong with an authorisation request (`state`) at the callback, if anything. */
export type StateProblem = 'unknown' | 'used' | 'expired' | 'other_browser';

export const STATE_TTL_MS = 10 * 60_000;

export function stateProblem(
  request: { expiresAt: number; usedAt: number | null; bindingHash: string | null } | undefined,
  now: number,
  bindingHash: string | null,
): StateProblem | undefined {
  if (!request) return 'unknown';
  if (request.usedAt !== null) return 'used';
  if (request.expiresAt <= now) return 'expired';
  // A request started in the dashboard belongs to that browser; one printed for a terminal has no binding.
  if (request.bindingHash !== null && request.bindingHash !== bindingHash) return 'other_browser';
  return undefined;
}

const CONNECT_AGAIN_EN = 'Open Settings → Shops in the dashboard and click Connect to start again.';
const CONNECT_AGAIN_ZH = '请在仪表板的「设置 → 店铺」中点击「连接」重新开始。';

export function stateProblemMessage(problem: StateProblem): Localized {
  switch (problem) {
    case 'unknown':
      return localized(
        `This authorisation link is not one shipby started (its state is unknown). ${CONNECT_AGAIN_EN}`,
        `此授权链接不是 shipby 发起的（state 无法识别）。${CONNECT_AGAIN_ZH}`,
      );
    case 'used':
      return localized(
        `This authorisation link was already used once. ${CONNECT_AGAIN_EN}`,
        `此授权链接已使用过。${CONNECT_AGAIN_ZH}`,
      );
    case 'expired':
      return localized(
        `This authorisation link has expired (it is good for ${STATE_TTL_MS / 60_000} minutes). ${CONNECT_AGAIN_EN}`,
        `此授权链接已过期（有效期 ${STATE_TTL_MS / 60_000} 分钟）。${CONNECT_AGAIN_ZH}`,
      );
    case 'other_browser':
      return localized(
        `This authorisation was started in another browser or session. ${CONNECT_AGAIN_EN}`,
        `此授权是在另一个浏览器或会话中发起的。${CONNECT_AGAIN_ZH}`,
      );
  }
}

/** The platform refused the code (wrong, used or expired) or answered something unreadable. */
export function codeRefusedMessage(platform: Localized, detail: string): Localized {
  return localized(
    `${platform.en} did not accept the authorisation (${detail}); the shop's stored authorisation is unchanged. ${CONNECT_AGAIN_EN}`,
    `${platform['zh-CN']}未接受此次授权（${detail}）；店铺已保存的授权未改变。${CONNECT_AGAIN_ZH}`,
  );
}

export function unreadableAnswerMessage(platform: Localized, detail: string): Localized {
  return localized(
    `${platform.en} answered the authorisation with something shipby cannot read (${detail}); nothing was stored. Try Connect again in a few minutes from Settings → Shops in the dashboard.`,
    `${platform['zh-CN']}对授权的回复无法读取（${detail}）；未保存任何内容。请稍后在仪表板的「设置 → 店铺」中再次点击「连接」。`,
  );
}

/** Why a shop's sync and uploads wait: the platform refused to refresh its authorisation. Says what to do. */
export function pausedNotice(
  shopId: string,
  platform: Localized,
  expiresAt: string | null,
  detail: string | null,
): Localized {
  const until = expiresAt
    ? ` Its current authorisation ends ${expiresAt}; after that nothing reaches ${platform.en}.`
    : '';
  const untilZh = expiresAt ? `当前授权将于 ${expiresAt} 失效，之后将无法与${platform['zh-CN']}通信。` : '';
  return localized(
    `${platform.en} refused to renew shop ${shopId}'s authorisation${detail ? ` (${detail})` : ''}. Its order sync and tracking uploads are paused (nothing is lost: uploads wait).${until} Open Settings → Shops in the dashboard and click Connect to authorise the shop again.`,
    `${platform['zh-CN']}拒绝续期店铺 ${shopId} 的授权${detail ? `（${detail}）` : ''}。该店铺的订单同步和物流单号上传已暂停（不会丢失：上传会等待）。${untilZh}请在仪表板的「设置 → 店铺」中点击「连接」重新授权。`,
  );
}

/** The installation lacks a setting the authorisation needs: names the variable. */
export function missingSettingMessage(variable: string, what: Localized): Localized {
  return localized(
    `${variable} is not set: shipby needs ${what.en} to authorise shops. Set it in the server's environment and restart it.`,
    `未设置 ${variable}：shipby 需要${what['zh-CN']}才能授权店铺。请在服务器环境中设置后重启。`,
  );
}

/**
 * How long before the refresh token ends the owner is warned. A refresh does not extend the refresh token (at most
 * 60 days from the seller's consent), so only the seller can carry the shop past it, by authorising it again.
 */
export const DEFAULT_ENDING_WARN_MS = 7 * DAY_MS;

/** Whether the shop's authorisation (its refresh token) ends within `warnMs`: the owner must connect it again. */
export function authorisationEnding(
  times: Pick<TokenTimes, 'refreshExpiresAt'>,
  now: number,
  warnMs = DEFAULT_ENDING_WARN_MS,
): boolean {
  return times.refreshExpiresAt !== null && times.refreshExpiresAt - now <= warnMs;
}

/** The key that makes the ending alert go out once per authorisation (its refresh token's end), not per tick. */
export function endingAlertKey(shopId: string, refreshExpiresAt: number): string {
  return `shop_authorisation_ending:${shopId}:${refreshExpiresAt}`;
}

/** The warning days ahead: what ends when, and what to do. */
export function endingNotice(shopId: string, platform: Localized, refreshExpiresAt: string): Localized {
  return localized(
    `Shop ${shopId}'s authorisation at ${platform.en} ends ${refreshExpiresAt} and cannot be renewed automatically. Before then, open Settings → Shops in the dashboard and click Connect to authorise the shop again; otherwise its order sync and tracking uploads stop at that time.`,
    `店铺 ${shopId} 在${platform['zh-CN']}的授权将于 ${refreshExpiresAt} 到期，无法自动续期。请在此之前于仪表板的「设置 → 店铺」中点击「连接」重新授权；否则届时该店铺的订单同步和物流单号上传将停止。`,
  );
}

/**
 * A token the platform refused while in use (IllegalAccessToken and the like): refresh it once, or pause the shop.
 * Without a refresh token (a pasted token) there is nothing to refresh; a token issued less than
 * `RECENTLY_ISSUED_MS` ago was itself just obtained (by a refresh or a consent), so another refresh would not help.
 */
export const RECENTLY_ISSUED_MS = 10 * 60_000;

export function renewalAfterRefusal(
  token: { hasRefreshToken: boolean; issuedAt: number | null; refreshExpiresAt: number | null },
  now: number,
): 'refresh' | 'pause' {
  if (!token.hasRefreshToken) return 'pause';
  if (token.refreshExpiresAt !== null && token.refreshExpiresAt <= now) return 'pause';
  if (token.issuedAt !== null && now - token.issuedAt < RECENTLY_ISSUED_MS) return 'pause';
  return 'refresh';
}
