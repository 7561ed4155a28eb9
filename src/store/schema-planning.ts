/**
 * Tables of the planner (migration 0008, issue 8): each warehouse's staffing (stations, shifts, carrier pick-ups,
 * time zone, lateness cost), the seller's work estimates per shop or warehouse, and the last plan of each
 * warehouse with the fingerprint of the inputs it was computed from.
 */
import type { Selectable } from 'kysely';

/** How a warehouse is staffed. Times of day are "HH:MM" in `time_zone` (null: the warehouse's own zone). */
export interface WarehouseStaffingTable {
  warehouse_id: string;
  /** Packing stations (or packers) working at once. */
  stations: number;
  /** JSON: [{start: "HH:MM", end: "HH:MM"}], several a day allowed; an end at or before its start runs past midnight. */
  shifts: string;
  /** JSON: ["HH:MM", …] the carrier's pick-up (cut-off) times. */
  pickups: string;
  time_zone: string | null;
  /** What each hour of lateness costs on top of the fines, minor units of the orders' currency. */
  hourly_cost: number;
  /** JSON: [1..7] ISO weekdays worked (null: every day). */
  weekdays: string | null;
  updated_at: number;
}

/** A seller's work estimate; `scope` `shop` or `warehouse`, `scope_id` its id. Whole seconds, so both dialects agree. */
export interface WorkEstimatesTable {
  scope: string;
  scope_id: string;
  seconds_per_order: number;
  seconds_per_line: number;
  seconds_per_unit: number;
  updated_at: number;
}

/**
 * The last plan of a warehouse (`*`: every open order, the staffing given by default settings). Recomputed when
 * the fingerprint of its inputs changes; `version` counts recomputations and guards concurrent writers.
 */
export interface StoredPlansTable {
  warehouse_id: string;
  fingerprint: string;
  version: number;
  /** `full` | `warm`. */
  method: string;
  computed_at: number;
  compute_ms: number;
  job_count: number;
  total_penalty: number;
  /** JSON: [{stationId, jobIds}] — the queues a warm start begins from. */
  queues: string;
  /** JSON: the plan as the API shows it. */
  body: string;
}

export interface PlanningTables {
  warehouse_staffing: WarehouseStaffingTable;
  work_estimates: WorkEstimatesTable;
  stored_plans: StoredPlansTable;
}

export type WarehouseStaffingRow = Selectable<WarehouseStaffingTable>;
export type WorkEstimateRow = Selectable<WorkEstimatesTable>;
export type StoredPlanRow = Selectable<StoredPlansTable>;
