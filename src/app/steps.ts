/**
 * Use cases as named steps, each write with its undo beside it (Medusa's steps and compensations, in small).
 *
 * A use case is a list of steps run in turn on one state object `s` (what the steps learn, they write on it). When
 * a step fails, the undos of the steps that completed run in reverse order, each given what its step returned and
 * the error; then the step's error is rethrown, as it was. An undo that fails itself is recorded (`onUndoFailure`)
 * and the remaining undos still run: it never hides the first error.
 *
 * A step whose writes are one transaction needs no undo of its own: if it fails, nothing of it was written.
 */

export interface Step<S, R = unknown> {
  /** What the step does, in a few words: the name the timeline, a test seam and a reader know it by. */
  name: string;
  run(s: S): Promise<R> | R;
  /** Takes back what `run` did, once a later step failed (`cause`). */
  undo?(s: S, result: R, cause: unknown): Promise<void> | void;
}

export interface UndoFailure {
  /** The step whose undo failed. */
  step: string;
  error: unknown;
  /** The error that started the undos (the one rethrown). */
  cause: unknown;
}

export interface StepOptions {
  /** Called before each step runs: a test seam (make a named step fail) and a place to trace. */
  beforeStep?: (name: string) => Promise<void> | void;
  /** Where an undo's own failure is recorded; a failure of this too is ignored (the first error goes on). */
  onUndoFailure?: (failure: UndoFailure) => Promise<void> | void;
}

/** A step, typed by what its `run` returns (so its `undo` gets that). */
export function step<S, R>(definition: Step<S, R>): Step<S, R> {
  return definition;
}

/** Runs the steps in turn; on a failure, undoes the completed ones in reverse order and rethrows the failure. */
export async function runSteps<S>(
  s: S,
  // biome-ignore lint/suspicious/noExplicitAny: each step's result type is its own; `step()` keeps it per step.
  steps: ReadonlyArray<Step<S, any>>,
  options: StepOptions = {},
): Promise<void> {
  const done: Array<{ step: Step<S, unknown>; result: unknown }> = [];
  for (const current of steps) {
    let result: unknown;
    try {
      await options.beforeStep?.(current.name);
      result = await current.run(s);
    } catch (cause) {
      await undoAll(s, done, cause, options);
      throw cause;
    }
    done.push({ step: current, result });
  }
}

async function undoAll<S>(
  s: S,
  done: ReadonlyArray<{ step: Step<S, unknown>; result: unknown }>,
  cause: unknown,
  options: StepOptions,
): Promise<void> {
  for (const { step: completed, result } of [...done].reverse()) {
    if (!completed.undo) continue;
    try {
      await completed.undo(s, result, cause);
    } catch (error) {
      try {
        await options.onUndoFailure?.({ step: completed.name, error, cause });
      } catch {
        // Recording the failure failed too: the first error still goes on, unhidden.
      }
    }
  }
}
