/**
 * A marketplace's availability as the outbox sees it, pure: one machine (`up` ⇄ `down`), the rule that says an
 * outage began (consecutive failures of the kind an outage causes, no answer in between) or ended (any answer from
 * the platform), and the seller's messages, in English and Chinese. app/marketplace-outage.ts records it, once per
 * outage however many workers see it, and alerts its start and its end.
 */
import { localized, type Localized } from './i18n';
import { defineMachine } from './state-machine';

const MARKETPLACE_STATES = ['up', 'down'] as const;
export type MarketplaceState = (typeof MARKETPLACE_STATES)[number];

export const marketplaceMachine = defineMachine<
  MarketplaceState,
  'outage_began' | 'outage_ended',
  Record<string, never>
>({
  name: 'marketplace',
  states: MARKETPLACE_STATES,
  transitions: {
    outage_began: { from: ['up'], to: 'down' },
    outage_ended: { from: ['down'], to: 'up' },
  },
});

/**
 * An outage: at least this many consecutive outage-like failures (no platform answer in between), spanning at
 * least `OUTAGE_MIN_MS`. The span keeps scattered faults from being called an outage: under a 15 % fault rate five
 * failures in a row happen now and then, but not 30 s without a single answer.
 */
export const OUTAGE_FAILURE_THRESHOLD = 5;
export const OUTAGE_MIN_MS = 30_000;

/**
 * What one delivery says about the platform: `answered` (any answer of the platform's own, accepted or refused),
 * `outage` (server error, timeout, refused or dropped connection: the platform is not there), or `neutral` (rate
 * limited, not declarable now, or a failure on our side).
 */
export type AvailabilitySignal = 'answered' | 'outage' | 'neutral';

/** The running count of consecutive outage-like failures after a run of signals (an answer resets it). */
export function countOutageFailures(previous: number, signals: readonly AvailabilitySignal[]): number {
  let count = previous;
  for (const signal of signals) {
    if (signal === 'answered') count = 0;
    else if (signal === 'outage') count++;
  }
  return count;
}

/**
 * The transition a run of signals calls for, if any, from the state the worker believes in; `failingForMs` is how
 * long the current run of consecutive failures has lasted.
 */
export function outageTransition(
  state: MarketplaceState,
  consecutiveFailures: number,
  answered: boolean,
  failingForMs: number,
): 'outage_began' | 'outage_ended' | undefined {
  if (state === 'down' && answered) return 'outage_ended';
  if (state === 'up' && consecutiveFailures >= OUTAGE_FAILURE_THRESHOLD && failingForMs >= OUTAGE_MIN_MS)
    return 'outage_began';
  return undefined;
}

const PLATFORM_NAMES: Record<string, Localized> = { aliexpress: localized('AliExpress', '速卖通') };

export function platformName(platform: string): Localized {
  return PLATFORM_NAMES[platform] ?? localized(platform, platform);
}

/** The dashboard's notice and the alert while the platform is down. Says what to do in the dashboard. */
export function outageNotice(platform: string, since: string, lastError: string | null): Localized {
  const name = platformName(platform);
  return localized(
    `${name.en} is not answering since ${since}${lastError ? ` (${lastError})` : ''}. shipby keeps every tracking-number upload and retries it until its order's closing point; the most urgent go first when ${name.en} is back. Nothing is lost and nothing needs doing now: keep packing and marking parcels shipped. Watch the At risk screen for orders whose deadline is near.`,
    `${name['zh-CN']}自 ${since} 起无响应${lastError ? `（${lastError}）` : ''}。shipby 保留所有物流单号上传，并会一直重试到订单关闭时间；${name['zh-CN']}恢复后最紧急的先上传。不会丢失任何数据，现在无需操作：照常打包并标记发货。请在「风险订单」页关注临近截止的订单。`,
  );
}

export function outageEndedNotice(platform: string, since: string, until: string): Localized {
  const name = platformName(platform);
  return localized(
    `${name.en} is answering again (down from ${since} to ${until}). The waiting tracking-number uploads are going out, the most urgent first; the order screens show each one as it is accepted.`,
    `${name['zh-CN']}已恢复响应（${since} 至 ${until} 期间不可用）。等待中的物流单号正在上传，最紧急的优先；订单页面会显示每个单号的上传结果。`,
  );
}
