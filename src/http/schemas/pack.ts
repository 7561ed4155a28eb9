/** The pack station's answers (http/routes/pack.ts presentSession) and the work queue (app/plan.ts presentWorkPlan). */
import { bool, items, list, num, numOrNull, object, open, orNull, ref, str, strOrNull, type Schema } from './common';

const localized = ref('Localized');

const PlannedParcel = object({
  parcel_id: num,
  position: num,
  of: num,
  status: str,
  box: str,
  outer_mm: list(num),
  contents: list(object({ sku: str, quantity: num })),
  content_weight_g: num,
  expected_gross_g: num,
  box_cost: ref('Money'),
  measured_g: numOrNull,
  weight_status: strOrNull,
});

const PackSession = object({
  id: num,
  order_id: num,
  platform_order_id: str,
  shop_id: str,
  ship_by_at: strOrNull,
  status: str,
  being_packed: bool,
  station: strOrNull,
  packer: strOrNull,
  tolerance: object({ percent: num, min_g: num }),
  started_at: strOrNull,
  finished_at: strOrNull,
  current_parcel: orNull(
    object({
      parcel_id: num,
      position: num,
      of: num,
      box: str,
      items: list(object({ sku: str, expected: num, scanned: num, remaining: num, bin: strOrNull })),
      remaining: localized,
      expected_gross_g: num,
      weight_range: object({ min_g: num, max_g: num }),
    }),
  ),
  parcels: list(ref('PlannedParcel')),
});

const session = ref('PackSession');

/** A session with every scan (GET /pack/sessions/:id). */
const PackSessionDetail = object({
  ...(PackSession.properties as Record<string, Schema>),
  scans: list(
    object({ at: strOrNull, code: str, sku: strOrNull, accepted: bool, refusal: strOrNull, parcel_id: numOrNull }),
  ),
});

export const packStarted = object({ resumed: bool, message: localized, session });
export const packScanned = object({ accepted: bool, sku: strOrNull, parcel_packed: bool, message: localized, session });
export const packWeighed = object({ ok: bool, overridden: bool, message: localized, session });
export const packSessions = items(session);
export const beingPacked = items(object({ order_id: num, session_id: num, station: strOrNull, started_at: strOrNull }));

/** The work queue (GET /plan): the fields the pack station reads are declared; the rest passes as it is. */
const WorkPlan = open({
  jobs: num,
  stations: list(
    open({
      station: str,
      queue: list(
        open({
          order_id: num,
          platform_order_id: str,
          shop_id: str,
          position: num,
          start: str,
          ship_by_at: str,
          lateness_minutes: num,
        }),
      ),
    }),
  ),
});

export const PACK_SCHEMAS = { PlannedParcel, PackSession, PackSessionDetail, WorkPlan };

const plannedParcels = list(ref('PlannedParcel'));
export const buyerNote = object({ order_id: num, note: strOrNull });
export const packPlanned = object({
  order_id: num,
  platform_order_id: str,
  created: bool,
  split: bool,
  message: localized,
  parcels: plannedParcels,
});
export const orderPackingAnswer = object({
  order_id: num,
  platform_order_id: str,
  being_packed: bool,
  open_session_id: numOrNull,
  parcels: plannedParcels,
});
export const packCancelled = object({ session });

/** A warehouse's staffing (app/planning.ts StaffingView): the defaults while nothing is stored. */
const Staffing = object({
  warehouse_id: str,
  stations: num,
  shifts: list(object({ start: str, end: str })),
  pickups: list(str),
  time_zone: str,
  hourly_cost: num,
  weekdays: orNull(list(num)),
  stored: bool,
  updated_at: strOrNull,
});

const minutes = { minutes_per_order: num, minutes_per_line: num, minutes_per_unit: num };

/** A shop's or a warehouse's work estimate (app/work-estimates.ts EstimateView); shops with the one in force. */
const WorkEstimate = object(
  {
    scope: str,
    id: str,
    set: orNull(object(minutes)),
    in_force: object({
      source: str,
      ...minutes,
      sessions: num,
      rmse_minutes: numOrNull,
      explanation: localized,
    }),
  },
  ['in_force'],
);

export const PLAN_SCHEMAS = { Staffing, WorkEstimate };

export const workEstimates = items(ref('WorkEstimate'));
export const plansRefreshed = open({
  plans: list(
    object({
      warehouse_id: str,
      recomputed: bool,
      method: str,
      version: num,
      jobs: num,
      total_penalty: num,
      compute_ms: num,
    }),
  ),
  message: localized,
});
