/**
 * The first-run checklist (issue 17): what an installation still lacks before orders can be packed and shipped,
 * each step decided from the data alone (no flag "done" a seller ticks) and pointing at the dashboard screen that
 * sets it. Pure: the facts are read by app/setup.ts and handed in.
 */
import { localized, type Localized } from './i18n';

export const SETUP_STEPS = [
  'shop',
  'policy',
  'warehouses',
  'skus',
  'stock',
  'sender',
  'boxes',
  'carriers',
  'tracking',
] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** What work a missing step blocks: orders arriving, stock being reserved, packing, labels. */
export type BlockedWork = 'orders' | 'stock' | 'packing' | 'labels';

export interface SetupFacts {
  /** The shop the checklist is for (null: the account has none yet). */
  shop: null | { id: string; connected: boolean; policyChosen: boolean; hasSender: boolean; activeBoxes: number };
  warehouses: number;
  skus: number;
  /** Seller SKUs without a size and weight (the packing plan refuses their orders). */
  unsizedSkus: string[];
  /** Stock levels with something on hand. */
  stockedLevels: number;
  carrierAccounts: number;
  /**
   * Tracking providers configured; null when the caller cannot set one (only the installation's owner does): the
   * step is then left out.
   */
  trackingProviders: number | null;
}

export interface SetupStepState {
  step: SetupStep;
  done: boolean;
  /** The dashboard route that sets it (`#/` + screen). */
  screen: string;
  blocks: BlockedWork[];
  /** An optional step: the setup is complete without it. */
  optional: boolean;
  /** When missing: what exactly, in both languages. */
  missing: Localized | null;
}

const SCREENS: Record<SetupStep, string> = {
  shop: 'shops',
  policy: 'settings/policy',
  warehouses: 'catalogue/warehouses',
  skus: 'catalogue/skus',
  stock: 'catalogue/stock',
  sender: 'settings/sender',
  boxes: 'settings/boxes',
  carriers: 'settings/carrier-accounts',
  tracking: 'settings/tracking',
};

const BLOCKS: Record<SetupStep, BlockedWork[]> = {
  shop: ['orders'],
  policy: [],
  warehouses: ['stock'],
  skus: ['stock', 'packing'],
  stock: ['stock'],
  sender: ['labels'],
  boxes: ['packing'],
  carriers: ['labels'],
  tracking: [],
};

const OPTIONAL: ReadonlySet<SetupStep> = new Set(['tracking']);

export function setupChecklist(facts: SetupFacts): SetupStepState[] {
  const shop = facts.shop;
  const state = (step: SetupStep, done: boolean, missing: Localized): SetupStepState => ({
    step,
    done,
    screen: SCREENS[step],
    blocks: BLOCKS[step],
    optional: OPTIONAL.has(step),
    missing: done ? null : missing,
  });
  const shown = facts.unsizedSkus.slice(0, 5).join(', ') + (facts.unsizedSkus.length > 5 ? ' …' : '');
  return [
    state(
      'shop',
      shop !== null,
      localized(
        'No shop yet: connect the AliExpress shop, or name one to import order files into.',
        '还没有店铺：请授权速卖通店铺，或为导入订单文件建一个店铺。',
      ),
    ),
    state(
      'policy',
      shop?.policyChosen ?? false,
      localized(
        "The shop's fulfilment mode is not chosen yet (the platform's default applies).",
        '店铺的履约模式尚未选择（目前按平台默认）。',
      ),
    ),
    state(
      'warehouses',
      facts.warehouses > 0,
      localized('No warehouse yet: stock is counted per warehouse.', '还没有仓库：库存按仓库计数。'),
    ),
    state(
      'skus',
      facts.skus > 0 && facts.unsizedSkus.length === 0,
      facts.skus === 0
        ? localized('No SKU in the catalogue yet.', '目录中还没有 SKU。')
        : localized(
            `${facts.unsizedSkus.length} SKU(s) lack a size and weight: ${shown}.`,
            `${facts.unsizedSkus.length} 个 SKU 缺少尺寸和重量：${shown}。`,
          ),
    ),
    state(
      'stock',
      facts.stockedLevels > 0,
      localized('No stock counted yet: orders wait until stock is there.', '还没有盘点库存：订单会等待到有库存为止。'),
    ),
    state(
      'sender',
      shop?.hasSender ?? false,
      localized('No sender address to print on labels.', '没有可打印在面单上的寄件人地址。'),
    ),
    state('boxes', (shop?.activeBoxes ?? 0) > 0, localized('No box to pack in.', '没有可用的包装箱。')),
    state(
      'carriers',
      facts.carrierAccounts > 0,
      localized('No carrier account to buy labels with.', '没有用于购买面单的承运商账号。'),
    ),
    ...(facts.trackingProviders === null
      ? []
      : [
          state(
            'tracking',
            facts.trackingProviders > 0,
            localized(
              "No tracking provider (17TRACK or AfterShip) yet: add one to follow your parcels' carrier events and see stalled or returned parcels. Labels do not need it.",
              '尚未设置物流跟踪服务商（17TRACK 或 AfterShip）：添加后可跟踪包裹的承运商事件，及时发现停滞或退回的包裹。购买面单不需要它。',
            ),
          ),
        ]),
  ];
}

/** Whether every step the setup needs is done (an optional one may be missing). */
export function setupComplete(steps: readonly SetupStepState[]): boolean {
  return steps.every((s) => s.done || s.optional);
}
