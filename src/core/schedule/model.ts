/**
 * The planning problem compiled into flat typed arrays, plus the two rules every method shares:
 * where a job can start on a station (release time, shifts) and what it costs when it ends (pick-ups, penalty).
 * Internal times are ms relative to `now`, which keeps the numbers small for the heuristics' exponentials.
 */
import { localized, type Localized } from '../i18n';
import type { Job, PenaltyFunction, PlanInput, PlannedJob } from './types';

export class PlanInputError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'PlanInputError';
  }
}

const PEN_NONE = 0;
const PEN_RATE = 1;
const PEN_STEPS = 2;
const PEN_CUSTOM = 3;

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

function fail(en: string, zh: string): never {
  throw new PlanInputError(localized(en, zh));
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function compileModel(input: PlanInput): Model {
  const origin = input.now;
  if (!isFiniteNumber(origin))
    fail('The planning instant `now` must be a finite epoch ms.', '规划时刻 now 必须是有效的毫秒时间戳。');
  if (input.stations.length === 0) fail('A plan needs at least one station.', '规划至少需要一个工位。');

  const seenStations = new Set<string>();
  for (const station of input.stations) {
    if (seenStations.has(station.id)) fail(`Station "${station.id}" appears twice.`, `工位 "${station.id}" 重复出现。`);
    seenStations.add(station.id);
  }

  // Working windows per input station, relative to now, sorted and merged; null = always open.
  const windowsOf = input.stations.map((station): Array<[number, number]> | null => {
    if (!station.shifts) return null;
    const sorted = station.shifts
      .map((w) => {
        if (!isFiniteNumber(w.start) || !isFiniteNumber(w.end) || w.end < w.start)
          fail(
            `A shift of station "${station.id}" is not a valid interval.`,
            `工位 "${station.id}" 的班次时间段无效。`,
          );
        return [w.start - origin, w.end - origin] as [number, number];
      })
      .filter(([a, b]) => b > a && b > 0)
      .sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [];
    for (const w of sorted) {
      const last = merged[merged.length - 1];
      if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
      else merged.push([w[0], w[1]]);
    }
    return merged;
  });
  // Stations with no shift left take no new work: they come last and only show their work in progress.
  const inputOrder = input.stations.map((_, i) => i);
  const open = inputOrder.filter((i) => windowsOf[i] === null || windowsOf[i]!.length > 0);
  const closed = inputOrder.filter((i) => windowsOf[i] !== null && windowsOf[i]!.length === 0);
  if (open.length === 0) fail('No station has a shift left after now.', '当前时刻之后没有任何工位有班次。');
  const stationOrder = [...open, ...closed];
  const stationIndex = new Map<string, number>(
    stationOrder.map((inputIndex, s) => [input.stations[inputIndex]!.id, s]),
  );

  const stationCount = open.length;
  const allStations = stationOrder.length;
  const windowStart: Array<Float64Array | null> = [];
  const windowEnd: Array<Float64Array | null> = [];
  const horizonEnd = new Float64Array(allStations);
  stationOrder.forEach((inputIndex, s) => {
    const merged = windowsOf[inputIndex]!;
    if (merged === null) {
      windowStart.push(null);
      windowEnd.push(null);
      horizonEnd[s] = Infinity;
      return;
    }
    windowStart.push(Float64Array.from(merged, (w) => w[0]));
    windowEnd.push(Float64Array.from(merged, (w) => w[1]));
    horizonEnd[s] = merged.length ? merged[merged.length - 1]![1] : 0;
  });
  const calendarGroup = new Int32Array(stationCount);
  const calendarKeys = new Map<string, number>();
  for (let s = 0; s < stationCount; s++) {
    const key = windowStart[s]
      ? `${Array.from(windowStart[s]!).join(',')}|${Array.from(windowEnd[s]!).join(',')}`
      : 'open';
    if (!calendarKeys.has(key)) calendarKeys.set(key, calendarKeys.size);
    calendarGroup[s] = calendarKeys.get(key)!;
  }

  let pickups: Float64Array | null = null;
  if (input.pickups) {
    for (const t of input.pickups.times)
      if (!isFiniteNumber(t))
        fail('Every pick-up time must be a finite epoch ms.', '每个揽收时间必须是有效的毫秒时间戳。');
    pickups = Float64Array.from(new Set(input.pickups.times.map((t) => t - origin))).sort();
  }

  const jobCount = input.jobs.length;
  const proc = new Float64Array(jobCount);
  const release = new Float64Array(jobCount);
  const due = new Float64Array(jobCount);
  const effectiveDue = new Float64Array(jobCount);
  const penKind = new Uint8Array(jobCount);
  const rateAmount = new Float64Array(jobCount);
  const ratePer = new Float64Array(jobCount).fill(1);
  const rateStarted = new Uint8Array(jobCount);
  const stepOffset = new Int32Array(jobCount + 1);
  const stepOverList: number[] = [];
  const stepAmountList: number[] = [];
  const customPenalty: Array<((l: number) => number) | undefined> = new Array(jobCount);
  const ids = new Set<string>();
  const movableList: number[] = [];
  const pinnedByStation: number[][] = Array.from({ length: allStations }, () => []);

  input.jobs.forEach((job: Job, j) => {
    if (ids.has(job.id)) fail(`Job "${job.id}" appears twice.`, `作业 "${job.id}" 重复出现。`);
    ids.add(job.id);
    if (!isFiniteNumber(job.processingMs) || job.processingMs < 0)
      fail(
        `Job "${job.id}" needs a processing time of zero or more ms.`,
        `作业 "${job.id}" 的处理时长必须为非负毫秒数。`,
      );
    if (!isFiniteNumber(job.dueAt)) fail(`Job "${job.id}" needs a deadline.`, `作业 "${job.id}" 需要截止时间。`);
    if (job.releaseAt !== undefined && !isFiniteNumber(job.releaseAt))
      fail(`Job "${job.id}" has an invalid release time.`, `作业 "${job.id}" 的可开工时间无效。`);
    proc[j] = job.processingMs;
    release[j] = Math.max(0, (job.releaseAt ?? origin) - origin);
    due[j] = job.dueAt - origin;
    effectiveDue[j] = lastPickupAtOrBefore(pickups, due[j]!);
    compilePenalty(job.id, job.penalty, j);
    stepOffset[j + 1] = stepOverList.length;
    if (job.inProgress) {
      const s = stationIndex.get(job.inProgress.stationId);
      if (s === undefined)
        fail(
          `Job "${job.id}" is in progress on unknown station "${job.inProgress.stationId}".`,
          `作业 "${job.id}" 所在的工位 "${job.inProgress.stationId}" 不存在。`,
        );
      if (!isFiniteNumber(job.inProgress.startedAt))
        fail(`Job "${job.id}" has an invalid start instant.`, `作业 "${job.id}" 的开工时间无效。`);
      pinnedByStation[s]!.push(j);
    } else {
      movableList.push(j);
    }
  });

  function compilePenalty(id: string, penalty: PenaltyFunction, j: number): void {
    if (typeof penalty === 'function') {
      penKind[j] = PEN_CUSTOM;
      customPenalty[j] = penalty;
      return;
    }
    let kind = PEN_NONE;
    if (penalty.rate && penalty.rate.amount !== 0) {
      const { amount, perMs, charge } = penalty.rate;
      if (!isFiniteNumber(amount) || amount < 0 || !isFiniteNumber(perMs) || perMs <= 0)
        fail(`Job "${id}" has an invalid penalty rate.`, `作业 "${id}" 的罚金费率无效。`);
      rateAmount[j] = amount;
      ratePer[j] = perMs;
      rateStarted[j] = charge === 'started' ? 1 : 0;
      kind = PEN_RATE;
    }
    if (penalty.steps && penalty.steps.length) {
      let lastOver = -Infinity;
      let lastAmount = 0;
      for (const step of penalty.steps) {
        if (!isFiniteNumber(step.overMs) || step.overMs < 0 || step.overMs <= lastOver)
          fail(
            `Job "${id}": fine steps need increasing lateness thresholds of zero or more.`,
            `作业 "${id}"：罚金阶梯的延迟阈值必须非负且递增。`,
          );
        if (!Number.isSafeInteger(step.amount) || step.amount < lastAmount)
          fail(
            `Job "${id}": fine steps need whole, non-decreasing amounts.`,
            `作业 "${id}"：罚金阶梯金额必须为整数且不递减。`,
          );
        lastOver = step.overMs;
        lastAmount = step.amount;
        stepOverList.push(step.overMs);
        stepAmountList.push(step.amount);
      }
      kind = PEN_STEPS;
    }
    penKind[j] = kind;
  }

  const model: Model = {
    origin,
    jobCount,
    jobIds: input.jobs.map((j) => j.id),
    proc,
    release,
    due,
    effectiveDue,
    penKind,
    rateAmount,
    ratePer,
    rateStarted,
    stepOffset,
    stepOver: Float64Array.from(stepOverList),
    stepAmount: Float64Array.from(stepAmountList),
    customPenalty,
    movable: Int32Array.from(movableList),
    stationCount,
    allStations,
    stationIds: stationOrder.map((i) => input.stations[i]!.id),
    inputStation: Int32Array.from(stationOrder),
    ready: new Float64Array(allStations),
    windowStart,
    windowEnd,
    horizonEnd,
    calendarGroup,
    pickups,
    pinned: [],
    pinnedPenalty: 0,
  };

  const pinned: PinnedResult[] = [];
  let pinnedPenalty = 0;
  for (let s = 0; s < allStations; s++) {
    let free = -Infinity;
    const list = pinnedByStation[s]!.sort(
      (a, b) => input.jobs[a]!.inProgress!.startedAt - input.jobs[b]!.inProgress!.startedAt,
    );
    for (const j of list) {
      const start = Math.max(input.jobs[j]!.inProgress!.startedAt - origin, free);
      // Work still going on at `now` cannot have finished before it.
      const finish = Math.max(start + proc[j]!, 0);
      pinned.push({ job: j, station: s, start, finish });
      pinnedPenalty += costAt(model, j, finish);
      free = finish;
    }
    model.ready[s] = Math.max(0, free);
  }
  model.pinned = pinned;
  model.pinnedPenalty = pinnedPenalty;
  return model;
}

function lastPickupAtOrBefore(pickups: Float64Array | null, t: number): number {
  if (!pickups || pickups.length === 0) return t;
  let lo = 0;
  let hi = pickups.length; // first index with pickups[i] > t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pickups[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  if (lo === pickups.length) return t; // past the known pick-ups a parcel leaves when packed
  return lo === 0 ? t : pickups[lo - 1]!;
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
