/**
 * OR-Library single-machine weighted tardiness instances (wt40, wt50, wt100: Beasley's OR-Library, instances by
 * Crauwels, Potts and Van Wassenhove). A file is whitespace-separated integers; each instance is 3·n numbers:
 * n processing times, n weights, n due dates. Used as the quality benchmark of the work-queue planner.
 */
import type { PlanInput } from './schedule/types';

export interface WeightedTardinessInstance {
  processing: number[];
  weights: number[];
  dueDates: number[];
}

function integers(text: string, what: string): number[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  return tokens.map((token, i) => {
    if (!/^-?\d+$/.test(token)) throw new Error(`${what}: token ${i + 1} ("${token.slice(0, 20)}") is not an integer.`);
    return Number(token);
  });
}

/** Parses every instance of a file with `jobs` jobs per instance. */
export function parseWeightedTardiness(text: string, jobs: number): WeightedTardinessInstance[] {
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error('The number of jobs per instance must be a positive integer.');
  const numbers = integers(text, 'OR-Library weighted tardiness file');
  const size = 3 * jobs;
  if (numbers.length === 0 || numbers.length % size !== 0)
    throw new Error(
      `The file holds ${numbers.length} numbers, not a multiple of 3 × ${jobs} = ${size}: is --jobs right?`,
    );
  const instances: WeightedTardinessInstance[] = [];
  for (let at = 0; at < numbers.length; at += size) {
    const processing = numbers.slice(at, at + jobs);
    const weights = numbers.slice(at + jobs, at + 2 * jobs);
    const dueDates = numbers.slice(at + 2 * jobs, at + size);
    if (processing.some((p) => p < 0) || weights.some((w) => w < 0))
      throw new Error(`Instance ${instances.length + 1} has a negative processing time or weight.`);
    instances.push({ processing, weights, dueDates });
  }
  return instances;
}

/** Parses a list of optimal (or best known) objective values, one per instance. */
export function parseOptima(text: string): number[] {
  return integers(text, 'OR-Library optima file');
}

/** The instance as a planning problem: one always-open station, time 0 = now, w per time unit late. */
export function weightedTardinessPlanInput(instance: WeightedTardinessInstance): PlanInput {
  return {
    now: 0,
    // ISO 4217 "XXX": no currency, the benchmark's costs are unitless.
    currency: 'XXX',
    stations: [{ id: 'machine' }],
    jobs: instance.processing.map((p, j) => ({
      id: String(j + 1),
      processingMs: p,
      dueAt: instance.dueDates[j]!,
      penalty: { rate: { amount: instance.weights[j]!, perMs: 1 } },
    })),
  };
}

/** Σ w_j · max(0, C_j − d_j) of a sequence of 0-based job indices, computed directly from the instance. */
export function totalWeightedTardiness(instance: WeightedTardinessInstance, sequence: readonly number[]): number {
  let time = 0;
  let total = 0;
  for (const j of sequence) {
    time += instance.processing[j]!;
    total += instance.weights[j]! * Math.max(0, time - instance.dueDates[j]!);
  }
  return total;
}
