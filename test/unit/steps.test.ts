/**
 * The step runner (app/steps.ts): whichever step fails, the undos of the completed steps run in reverse order, each
 * with its own result; the first error is rethrown as it was, even when undos fail themselves (those are recorded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSteps, step, type UndoFailure } from '../../src/app/steps';

class StepError extends Error {}

describe('runSteps', () => {
  it('runs every step in order and undoes nothing when all go through', async () => {
    const log: string[] = [];
    const steps = ['a', 'b', 'c'].map((name) =>
      step<string[], string>({
        name,
        run: (s) => {
          s.push(`run ${name}`);
          return name;
        },
        undo: (s) => {
          s.push(`undo ${name}`);
        },
      }),
    );
    await runSteps(log, steps);
    expect(log).toEqual(['run a', 'run b', 'run c']);
  });

  it('on a failure: the completed undos in reverse, each with its result; the first error rethrown; undo failures recorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each step: has an undo?, does its undo fail?, is it async?
        fc.array(fc.record({ undo: fc.boolean(), undoFails: fc.boolean(), async: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        async (specs, pick) => {
          const failing = pick % specs.length;
          const log: string[] = [];
          const recorded: UndoFailure[] = [];
          const firstError = new StepError(`step ${failing} failed`);
          const steps = specs.map((spec, i) =>
            step<string[], number>({
              name: `step ${i}`,
              run: async (s) => {
                if (spec.async) await Promise.resolve();
                if (i === failing) throw firstError;
                s.push(`run ${i}`);
                return i * 10;
              },
              ...(spec.undo
                ? {
                    undo: async (s: string[], result: number, cause: unknown) => {
                      if (spec.async) await Promise.resolve();
                      expect(cause).toBe(firstError);
                      s.push(`undo ${i} of ${result}`);
                      if (spec.undoFails) throw new Error(`undo ${i} failed`);
                    },
                  }
                : {}),
            }),
          );
          const error = await runSteps(log, steps, {
            onUndoFailure: (failure) => {
              recorded.push(failure);
            },
          }).catch((e: unknown) => e);
          expect(error).toBe(firstError);
          const completed = specs.slice(0, failing).map((spec, i) => ({ ...spec, i }));
          const undone = [...completed].reverse().filter((s) => s.undo);
          expect(log).toEqual([
            ...completed.map((s) => `run ${s.i}`),
            ...undone.map((s) => `undo ${s.i} of ${s.i * 10}`),
          ]);
          expect(recorded.map((r) => [r.step, (r.error as Error).message, r.cause])).toEqual(
            undone.filter((s) => s.undoFails).map((s) => [`step ${s.i}`, `undo ${s.i} failed`, firstError]),
          );
          // No step after the failing one ran.
          expect(log.some((line) => specs.some((_, i) => i > failing && line === `run ${i}`))).toBe(false);
        },
      ),
    );
  });

  it('a recorder that fails too does not hide the first error', async () => {
    const first = new StepError('the first');
    const steps = [
      step<object, void>({
        name: 'write',
        run: () => {},
        undo: () => {
          throw new Error('undo failed');
        },
      }),
      step<object, void>({
        name: 'fail',
        run: () => {
          throw first;
        },
      }),
    ];
    const error = await runSteps({}, steps, {
      onUndoFailure: () => {
        throw new Error('recorder failed');
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(first);
  });

  it('beforeStep sees each name and can stop a named step before it runs', async () => {
    const seen: string[] = [];
    const ran: string[] = [];
    const steps = ['one', 'two', 'three'].map((name) => step<object, void>({ name, run: () => void ran.push(name) }));
    await expect(
      runSteps({}, steps, {
        beforeStep: (name) => {
          seen.push(name);
          if (name === 'two') throw new StepError('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(seen).toEqual(['one', 'two']);
    expect(ran).toEqual(['one']);
  });
});
