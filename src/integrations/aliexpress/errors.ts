/**
 * The three ways a marketplace call can fail, as the rest of shipby needs to tell them apart:
 *
 * - `RetryableMarketplaceError`: nothing was applied (or the call only read); try again later, after
 *   `retryAfterMs` when the platform said how long to wait.
 * - `PermanentMarketplaceError`: the platform refused the request (bad signature, clock, token, parameters, a
 *   business rule such as "the order is closed"); retrying the same request will not help.
 * - `AmbiguousOutcomeError`: a write may or may not have been applied (timeout, connection lost after sending,
 *   gateway timeout). The caller must read the order back before deciding to send the write again.
 * - `ReauthorisationRequiredError`: the seller's access token is invalid or expired (`IllegalAccessToken`, TOP 26/27);
 *   nothing will succeed until the shop is authorised again, so work waits instead of failing one by one.
 *
 * Which answer is which is decided in one place, gateway-errors.ts.
 *
 * Messages and JSON never carry credentials: the client redacts the app secret, access token and signature out of
 * anything that came back from the network before it builds an error.
 */
import { localized, type Localized } from '../../core/i18n';

export type RetryableReason = 'rate_limited' | 'server_error' | 'network' | 'timeout' | 'bad_response';
export type PermanentReason =
  | 'signature'
  | 'timestamp'
  | 'auth'
  | 'invalid_request'
  | 'not_found'
  | 'business_rule'
  | 'protocol';
export type AmbiguousReason = 'timeout' | 'connection_lost' | 'upstream_timeout' | 'server_error' | 'bad_response';

export interface MarketplaceErrorDetails {
  /** The API name, e.g. `aliexpress.solution.order.fulfill`. */
  method: string;
  /** The platform's code (`IncompleteSignature`, `15`, `isv.invalid-parameter`, a business code) or a local one. */
  code: string;
  httpStatus?: number;
  requestId?: string;
  /** Number of attempts made, including the last one. */
  attempts?: number;
  /** The platform's own words (`msg` / `sub_msg` / a refusal's `error_message`), credentials redacted. */
  platformMessage?: string;
}

export abstract class MarketplaceError extends Error {
  readonly platform = 'aliexpress' as const;
  readonly method: string;
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  attempts: number;
  readonly platformMessage: string | undefined;
  abstract readonly kind: 'retryable' | 'permanent' | 'ambiguous' | 'reauthorise';
  /** What to show a seller, in both locales. */
  abstract readonly userMessage: Localized;

  protected constructor(message: string, details: MarketplaceErrorDetails) {
    super(message);
    this.method = details.method;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.attempts = details.attempts ?? 1;
    this.platformMessage = details.platformMessage;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      platform: this.platform,
      method: this.method,
      code: this.code,
      message: this.message,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
      attempts: this.attempts,
      platformMessage: this.platformMessage,
    };
  }
}

export class RetryableMarketplaceError extends MarketplaceError {
  override readonly name = 'RetryableMarketplaceError';
  readonly kind = 'retryable' as const;
  readonly reason: RetryableReason;
  /** How long the platform asked us to wait, when it said so (429 Retry-After or a flow-control ban). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: MarketplaceErrorDetails & { reason: RetryableReason; retryAfterMs?: number }) {
    super(message, details);
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
  }

  get userMessage(): Localized {
    return this.reason === 'rate_limited'
      ? localized(
          'AliExpress is limiting our requests; shipby will try again shortly.',
          '速卖通接口限流，shipby 稍后会自动重试。',
        )
      : localized(
          'AliExpress could not be reached just now; shipby will try again shortly.',
          '暂时无法连接速卖通，shipby 稍后会自动重试。',
        );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, retryAfterMs: this.retryAfterMs };
  }
}

const PERMANENT_USER_MESSAGES: Record<PermanentReason, Localized> = {
  signature: localized(
    'AliExpress rejected the request signature: check the app key and app secret.',
    '速卖通拒绝了请求签名：请检查 App Key 与 App Secret。',
  ),
  timestamp: localized(
    "AliExpress rejected the request time: check this server's clock.",
    '速卖通拒绝了请求时间戳：请检查服务器时钟。',
  ),
  auth: localized(
    'AliExpress refused the authorisation: the store needs to be authorised again.',
    '速卖通拒绝了授权：需要重新授权店铺。',
  ),
  invalid_request: localized('AliExpress refused the request as invalid.', '速卖通认为该请求无效，已拒绝。'),
  not_found: localized('AliExpress does not know this order.', '速卖通上找不到该订单。'),
  business_rule: localized('AliExpress refused the operation for this order.', '速卖通拒绝了对该订单的此项操作。'),
  protocol: localized(
    'AliExpress answered in a form shipby does not understand.',
    '速卖通返回了 shipby 无法识别的内容。',
  ),
};

export class PermanentMarketplaceError extends MarketplaceError {
  override readonly name = 'PermanentMarketplaceError';
  readonly kind = 'permanent' as const;
  readonly reason: PermanentReason;

  constructor(message: string, details: MarketplaceErrorDetails & { reason: PermanentReason }) {
    super(message, details);
    this.reason = details.reason;
  }

  get userMessage(): Localized {
    const base = PERMANENT_USER_MESSAGES[this.reason];
    if (!this.platformMessage) return base;
    // The platform's own reason, as it wrote it: the seller needs it to fix the order on AliExpress.
    return localized(
      `${base.en} AliExpress says: "${this.platformMessage}"`,
      `${base['zh-CN']} 速卖通的说明：“${this.platformMessage}”`,
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

export class AmbiguousOutcomeError extends MarketplaceError {
  override readonly name = 'AmbiguousOutcomeError';
  readonly kind = 'ambiguous' as const;
  readonly reason: AmbiguousReason;

  constructor(message: string, details: MarketplaceErrorDetails & { reason: AmbiguousReason }) {
    super(message, details);
    this.reason = details.reason;
  }

  get userMessage(): Localized {
    return localized(
      'The answer from AliExpress was lost; shipby will check the order before trying again.',
      '未收到速卖通的答复；shipby 会先核对订单状态再决定是否重试。',
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** How long an upload waits for the shop to be authorised again before it looks again. */
export const REAUTHORISE_WAIT_MS = 60 * 60_000;

export class ReauthorisationRequiredError extends MarketplaceError {
  override readonly name = 'ReauthorisationRequiredError';
  readonly kind = 'reauthorise' as const;
  /** Work that needs the shop waits this long before it looks again (a new authorisation can come at any time). */
  readonly retryAfterMs = REAUTHORISE_WAIT_MS;

  constructor(message: string, details: MarketplaceErrorDetails) {
    super(message, details);
  }

  get userMessage(): Localized {
    return localized(
      "AliExpress no longer accepts this shop's authorisation: open the shop in the dashboard and connect it to AliExpress again. Uploads wait until then.",
      '速卖通不再接受该店铺的授权：请在控制台打开店铺并重新连接速卖通。在此之前上传会暂停等待。',
    );
  }
}

export function isMarketplaceError(error: unknown): error is MarketplaceError {
  return error instanceof MarketplaceError;
}

/**
 * Replaces every occurrence of the given secrets in a text. Used on anything that came from the network or from a
 * lower layer (platform messages, transport errors) before it goes into an error message.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Short values (e.g. a 1-character test token) would shred ordinary text; real secrets are long.
    if (secret.length < 4) continue;
    result = result.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) result = result.split(encoded).join('[redacted]');
  }
  return result;
}
