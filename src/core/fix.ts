/**
 * Where in the dashboard a seller or packer fixes what a refusal is about. A message says what to do in the
 * dashboard's own words (`Settings → Sender address` / `设置 → 寄件人地址`), never a CLI command or an API path, and
 * carries a `fix` pointer to the screen that the dashboard turns into a link (`#/settings/sender`).
 */
import { localized, type Localized } from './i18n';
import type { ImportIssue } from './order-input';

/** Each screen a message may point at, named as the dashboard names it, in both languages. */
export const FIX_SCREENS = {
  'settings/sender': localized('Settings → Sender address', '设置 → 寄件人地址'),
  'settings/skus': localized('Settings → SKU sizes and weights', '设置 → SKU 尺寸和重量'),
  'settings/boxes': localized('Settings → Boxes', '设置 → 箱子'),
  'settings/carriers': localized('Settings → Carrier services', '设置 → 物流服务'),
  'settings/carrier-accounts': localized('Settings → Carrier accounts', '设置 → 承运商账号'),
} as const satisfies Record<string, Localized>;

export type FixScreen = keyof typeof FIX_SCREENS;

/** The machine-readable pointer: the dashboard's route to the screen (`#/` + screen). */
export interface Fix {
  screen: FixScreen;
  /** What to set there, when the refusal names it (the SKUs without a size): the screen opens on the first. */
  for?: string[];
}

/**
 * A setting the action needs is missing: what is missing, then where to set it in the dashboard (named in the
 * message and pointed at by `fix`). `what` is the sentence's start in each language, without the full stop.
 */
export function missingSetting(field: string, screen: FixScreen, what: Localized, subjects?: string[]): ImportIssue {
  const where = FIX_SCREENS[screen];
  return {
    row: 0,
    field,
    message: localized(
      `${what.en}: set it in the dashboard under ${where.en}, then try again.`,
      `${what['zh-CN']}：请在后台「${where['zh-CN']}」中设置，然后重试。`,
    ),
    fix: subjects?.length ? { screen, for: subjects } : { screen },
  };
}
