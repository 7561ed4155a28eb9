import type { Insertable } from 'kysely';
import type { ORDER_COLUMNS } from './order-bulk';
import type { OrdersTable } from './schema';

/** Migration 0016: an import in progress, owned by one process (`owner` as in store/leases.ts). */
export interface ImportRunsTable {
  id: string;
  shop_id: string;
  file: string;
  owner: string;
  started_at: number;
}

/** A new order of a file being imported, with the columns it will have in `orders`; invisible until the merge. A file holds an order once (the reader refuses a repeated one). */
export type ImportStagedOrdersTable = Pick<Insertable<OrdersTable>, (typeof ORDER_COLUMNS)[number]> & {
  import_id: string;
  seq: number;
};

export interface ImportStagedLinesTable {
  import_id: string;
  seq: number;
  platform_order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  unit_price: number;
}

export interface ImportStagedEventsTable {
  import_id: string;
  seq: number;
  /** The event's place among its order's first events (0 is the "created" event, which the merge writes itself). */
  event_no: number;
  platform_order_id: string;
  at: number;
  actor: string;
  kind: string;
  to_state: string | null;
  reason: string | null;
  data: string | null;
}

/** An order the file changes (it existed when staged), applied in file order at the merge. */
export interface ImportStagedChangesTable {
  import_id: string;
  seq: number;
  payload: string;
}

export interface ImportStagingTables {
  import_runs: ImportRunsTable;
  import_staged_orders: ImportStagedOrdersTable;
  import_staged_lines: ImportStagedLinesTable;
  import_staged_events: ImportStagedEventsTable;
  import_staged_changes: ImportStagedChangesTable;
}
