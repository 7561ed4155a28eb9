/** The first run's API shapes (GET /setup), shared by the banner and the checklist. */
import type { Localized } from './api';

export type SetupStepName = 'shop' | 'policy' | 'warehouses' | 'skus' | 'stock' | 'sender' | 'boxes' | 'carriers';

export interface SetupStep {
  step: SetupStepName;
  done: boolean;
  /** The dashboard route that sets it (`#/` + screen). */
  screen: string;
  blocks: Array<'orders' | 'stock' | 'packing' | 'labels'>;
  missing: Localized | null;
}

export interface SetupStatus {
  shop_id: string | null;
  complete: boolean;
  steps: SetupStep[];
}
