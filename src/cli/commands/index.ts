import type { Command } from 'commander';

/** A command module: its top-level command names, and the module itself, imported only when one of them runs. */
export interface CommandModule {
  names: readonly string[];
  load: () => Promise<{ register: (program: Command) => void }>;
}

/**
 * Every command module, one line each: the top-level names it registers and how to load it. A command line loads
 * only the module that owns its first word (a `tracking-number check` does not load the HTTP server); `--help` and
 * an unknown word load them all. test/integration/cli-commands.test.ts checks each line's names against what it registers.
 */
export const commandModules: readonly CommandModule[] = [
  { names: ['serve'], load: () => import('./serve') },
  { names: ['migrate'], load: () => import('./migrate') },
  { names: ['config'], load: () => import('./config') },
  { names: ['backup', 'restore'], load: () => import('./backup') },
  { names: ['account', 'user', 'key'], load: () => import('./access') },
  { names: ['import'], load: () => import('./import') },
  { names: ['example-orders'], load: () => import('./example-orders') },
  { names: ['orders', 'order', 'accept', 'cancel', 'warehouse-received'], load: () => import('./orders') },
  {
    names: ['at-risk', 'explain', 'metrics', 'policy', 'extend', 'sweep', 'webhook'],
    load: () => import('./deadlines'),
  },
  { names: ['fake-aliexpress'], load: () => import('./fake-aliexpress') },
  { names: ['tracking-number'], load: () => import('./tracking-number') },
  { names: ['plan'], load: () => import('./plan') },
  { names: ['shop', 'sync', 'ship', 'first-scan', 'outbox'], load: () => import('./marketplace') },
  { names: ['stock'], load: () => import('./stock') },
  { names: ['shortages', 'replenishment'], load: () => import('./replenishment') },
  { names: ['po'], load: () => import('./purchase-orders') },
  { names: ['parcels', 'tracking', 'sample-tracking'], load: () => import('./tracking') },
  { names: ['receipt', 'case'], load: () => import('./cases') },
  { names: ['demo'], load: () => import('./demo') },
  { names: ['pack'], load: () => import('./pack') },
  { names: ['carrier', 'quote', 'label', 'labels'], load: () => import('./carrier') },
  { names: ['sample-carrier'], load: () => import('./sample-carrier') },
  { names: ['secrets'], load: () => import('./secrets') },
  { names: ['worker'], load: () => import('./worker') },
];
