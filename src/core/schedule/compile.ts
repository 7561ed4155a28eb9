/**
 * The planning problem compiled into the flat typed arrays of the model (model.ts), every input checked on the way
 * (a bad one is a PlanInputError naming it, in both languages): the stations' working windows, the pick-ups, the jobs
 * and their penalties, and the work in progress pinned on its station.
 */
import { localized } from '../i18n';
import {
  costAt,
  PEN_CUSTOM,
  PEN_NONE,
  PEN_RATE,
  PEN_STEPS,
  PlanInputError,
  type Model,
  type PinnedResult,
} from './model';
import type { Job, PenaltyFunction, PlanInput } from './types';

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

  const stations = compileStations(input, origin);
  const pickups = compilePickups(input, origin);
  const { pinnedByStation, ...jobs } = compileJobs(input, origin, pickups, stations.stationIndex, stations.allStations);
  const model: Model = {
    origin,
    jobIds: input.jobs.map((j) => j.id),
    ...jobs,
    stationCount: stations.stationCount,
    allStations: stations.allStations,
    stationIds: stations.stationOrder.map((i) => input.stations[i]!.id),
    inputStation: Int32Array.from(stations.stationOrder),
    ready: new Float64Array(stations.allStations),
    windowStart: stations.windowStart,
    windowEnd: stations.windowEnd,
    horizonEnd: stations.horizonEnd,
    calendarGroup: stations.calendarGroup,
    pickups,
    pinned: [],
    pinnedPenalty: 0,
  };
  pinWork(model, input, pinnedByStation);
  return model;
}

/** The stations: working windows relative to now (sorted, merged), open stations first, their calendars. */
function compileStations(input: PlanInput, origin: number) {
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
  return {
    stationOrder,
    stationIndex,
    stationCount,
    allStations,
    windowStart,
    windowEnd,
    horizonEnd,
    calendarGroup,
  };
}

/** The carrier's pick-ups relative to now, sorted, without repeats; null when none are given. */
function compilePickups(input: PlanInput, origin: number): Float64Array | null {
  let pickups: Float64Array | null = null;
  if (input.pickups) {
    for (const t of input.pickups.times)
      if (!isFiniteNumber(t))
        fail('Every pick-up time must be a finite epoch ms.', '每个揽收时间必须是有效的毫秒时间戳。');
    pickups = Float64Array.from(new Set(input.pickups.times.map((t) => t - origin))).sort();
  }
  return pickups;
}

interface PenaltyArrays {
  penKind: Uint8Array;
  customPenalty: Array<((l: number) => number) | undefined>;
  rateAmount: Float64Array;
  ratePer: Float64Array;
  rateStarted: Uint8Array;
  stepOverList: number[];
  stepAmountList: number[];
}

/** The jobs: times relative to now, penalties as flat arrays, the movable ones, the ones in progress per station. */
function compileJobs(
  input: PlanInput,
  origin: number,
  pickups: Float64Array | null,
  stationIndex: ReadonlyMap<string, number>,
  allStations: number,
) {
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
  const arrays: PenaltyArrays = {
    penKind,
    customPenalty,
    rateAmount,
    ratePer,
    rateStarted,
    stepOverList,
    stepAmountList,
  };
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
    compilePenalty(arrays, job.id, job.penalty, j);
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
  return {
    jobCount,
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
    pinnedByStation,
  };
}

/** Job j's penalty into the flat arrays: a rate, fine steps (appended to the step lists), or a custom function. */
function compilePenalty(arrays: PenaltyArrays, id: string, penalty: PenaltyFunction, j: number): void {
  const { penKind, customPenalty, rateAmount, ratePer, rateStarted, stepOverList, stepAmountList } = arrays;
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

/** Work in progress stays where it is, in the order it started: it sets when each station is next free. */
function pinWork(model: Model, input: PlanInput, pinnedByStation: number[][]): void {
  const { origin, proc, allStations } = model;
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

function fail(en: string, zh: string): never {
  throw new PlanInputError(localized(en, zh));
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
