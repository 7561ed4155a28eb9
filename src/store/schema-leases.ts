import type { Selectable } from 'kysely';

/** Migration 0011: a lease held by a running process (`jobs`, `server:<id>`), valid until `until` (epoch ms). */
export interface StoreLeasesTable {
  name: string;
  owner: string;
  until: number;
  updated_at: number;
}

export interface LeaseTables {
  store_leases: StoreLeasesTable;
}

export type StoreLeaseRow = Selectable<StoreLeasesTable>;
