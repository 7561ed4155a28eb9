/**
 * The planning problem compiled into flat typed arrays (compile.ts makes it), plus the two rules every method shares:
 * where a job can start on a station (release time, shifts) and what it costs when it ends (pick-ups, penalty).
 * Internal times are ms relative to `now`, which keeps the numbers small for the heuristics' exponentials.
 */
import type { Localized } from '../i18n';
import type { PlannedJob } from './types';

export class PlanInputError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'PlanInputError';
  }
}

/** How a job's penalty is computed (Model.penKind). */
export const PEN_NONE = 0;
export const PEN_RATE = 1;
export const PEN_STEPS = 2;
export const PEN_CUSTOM = 3;

export interface PinnedResult {
  job: number;
  station: number;
  start: number;
  finish: number;
}

export interface Model {
  origin: number;
  /** All jobs, pinned ones included; index = position in the input. */
  jobCount: number;
  jobIds: readonly string[];
  proc: Float64Array;
  release: Float64Array;
  due: Float64Array;
  /** The due date as the heuristics see it: the last pick-up at or before the deadline. */
  effectiveDue: Float64Array;
  penKind: Uint8Array;
  rateAmount: Float64Array;
  ratePer: Float64Array;
  rateStarted: Uint8Array;
  stepOffset: Int32Array;
  stepOver: Float64Array;
  stepAmount: Float64Array;
  customPenalty: ReadonlyArray<((latenessMs: number) => number) | undefined>;
  /** Jobs the planner may place, ascending input index. */
  movable: Int32Array;
  /** Stations that take new work (they have a shift left, or no shifts at all): indices 0 .. stationCount-1. */
  stationCount: number;
  /** Every station, the closed ones after the open ones (they only carry work in progress). */
  allStations: number;
  stationIds: readonly string[];
  /** The input index of each station. */
  inputStation: Int32Array;
  /** When each station is free of its pinned work (relative ms, >= 0). */
  ready: Float64Array;
  /** Sorted, merged working windows per station; null = always open. */
  windowStart: ReadonlyArray<Float64Array | null>;
  windowEnd: ReadonlyArray<Float64Array | null>;
  /** End of the last window (Infinity when always open). */
  horizonEnd: Float64Array;
  /** Stations with identical windows share a group (used to break symmetry in the exact solver). */
  calendarGroup: Int32Array;
  pickups: Float64Array | null;
  pinned: readonly PinnedResult[];
  pinnedPenalty: number;
}

/** The instant the parcel leaves: the first pick-up at or after `finish`, or `finish` itself past the known ones. */
export function leavesAt(model: Model, finish: number): number {
  const pickups = model.pickups;
  if (pickups === null) return finish;
  let lo = 0;
  let hi = pickups.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pickups[mid]! < finish) lo = mid + 1;
    else hi = mid;
  }
  return lo === pickups.length ? finish : pickups[lo]!;
}

/** Penalty of job j when it is `lateness` ms late (0 when on time). */
export function penaltyOf(model: Model, j: number, lateness: number): number {
  if (lateness <= 0) return 0;
  const kind = model.penKind[j]!;
  if (kind === PEN_RATE) return rateCost(model, j, lateness);
  if (kind === PEN_NONE) return 0;
  if (kind === PEN_CUSTOM) return model.customPenalty[j]!(lateness);
  let level = 0;
  const end = model.stepOffset[j + 1]!;
  for (let k = model.stepOffset[j]!; k < end; k++) {
    if (lateness > model.stepOver[k]!) level = model.stepAmount[k]!;
    else break;
  }
  return level + (model.rateAmount[j]! > 0 ? rateCost(model, j, lateness) : 0);
}

function rateCost(model: Model, j: number, lateness: number): number {
  const per = model.ratePer[j]!;
  return model.rateStarted[j]
    ? model.rateAmount[j]! * Math.ceil(lateness / per)
    : Math.floor((model.rateAmount[j]! * lateness) / per);
}

/** What job j costs when its packing ends at `finish` (relative ms). */
export function costAt(model: Model, j: number, finish: number): number {
  return penaltyOf(model, j, leavesAt(model, finish) - model.due[j]!);
}

/**
 * The earliest start of job j on station s at or after `t`: not before its release, inside one working window.
 * Past the last window the station is taken to keep working back to back (`beyondHorizon` in the output).
 */
export function startOn(model: Model, s: number, t: number, j: number): number {
  const r = model.release[j]!;
  const earliest = t > r ? t : r;
  const ws = model.windowStart[s]!;
  if (ws === null) return earliest;
  const we = model.windowEnd[s]!;
  const p = model.proc[j]!;
  const count = ws.length;
  // First window that ends after `earliest`.
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (we[mid]! <= earliest) lo = mid + 1;
    else hi = mid;
  }
  for (let w = lo; w < count; w++) {
    const start = earliest > ws[w]! ? earliest : ws[w]!;
    if (start + p <= we[w]!) return start;
  }
  const h = model.horizonEnd[s]!;
  return earliest > h ? earliest : h;
}

/** The full, absolute-time schedule of per-station sequences, pinned jobs first; one queue per input station, in input order. */
export function describeSchedule(model: Model, sequences: ReadonlyArray<ArrayLike<number>>): PlannedJob[][] {
  const out: PlannedJob[][] = new Array(model.allStations);
  for (let s = 0; s < model.allStations; s++) {
    const queue: PlannedJob[] = [];
    const add = (j: number, start: number, finish: number, pinned: boolean) => {
      const leaves = leavesAt(model, finish);
      const lateness = leaves - model.due[j]!;
      const pastPickups =
        model.pickups !== null && (model.pickups.length === 0 || finish > model.pickups[model.pickups.length - 1]!);
      queue.push({
        jobId: model.jobIds[j]!,
        stationId: model.stationIds[s]!,
        position: queue.length,
        start: start + model.origin,
        finish: finish + model.origin,
        leavesAt: leaves + model.origin,
        latenessMs: lateness,
        penalty: penaltyOf(model, j, lateness),
        pinned,
        beyondHorizon: !pinned && (pastPickups || outsideWindows(model, s, start, finish)),
      });
    };
    for (const p of model.pinned) if (p.station === s) add(p.job, p.start, p.finish, true);
    let t = model.ready[s]!;
    const seq = sequences[s] ?? [];
    for (let k = 0; k < seq.length; k++) {
      const j = seq[k]!;
      const start = startOn(model, s, t, j);
      t = start + model.proc[j]!;
      add(j, start, t, false);
    }
    out[model.inputStation[s]!] = queue;
  }
  return out;
}

function outsideWindows(model: Model, s: number, start: number, finish: number): boolean {
  const ws = model.windowStart[s];
  if (!ws) return false;
  const we = model.windowEnd[s]!;
  for (let w = 0; w < ws.length; w++) if (start >= ws[w]! && finish <= we[w]!) return false;
  return true;
}
