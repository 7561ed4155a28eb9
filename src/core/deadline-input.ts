/**
 * The facts a ship-by deadline is computed from (deadline.ts), and their checks: bad facts throw
 * `DeadlineInputError` naming the field, never default silently. Extensions have a canonical order (time of
 * agreement, then content), so the order in which they are listed never matters.
 */
import { localized, type Localized } from './i18n';

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

export function requireInstant(value: number, field: string): void {
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

export function validateExtension(extension: BuyerExtension, index: number): void {
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
