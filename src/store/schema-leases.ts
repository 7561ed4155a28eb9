import type { Selectable } from 'kysely';

/** Migration 0011: a lease held by a running process (`jobs`, `server:<id>`), valid until `until` (epoch ms). */
export interface StoreLeasesTable {
  name: string;
  owner: string;
  until: number;
  updated_at: number;
}

/** Migration 0022: a rate-limit counter shared by every process: `hits` in the window ending at `reset_at` (epoch ms). */
export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: number;
}

export interface LeaseTables {
  store_leases: StoreLeasesTable;
  rate_limits: RateLimitsTable;
}

export type StoreLeaseRow = Selectable<StoreLeasesTable>;
