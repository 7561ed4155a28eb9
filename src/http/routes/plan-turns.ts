/**
 * The plan computations of one caller, taken in turn (issue 17). The planner threads run at most one computation per
 * caller and refuse a second meanwhile (app/plan-pool.ts, a 429); the dashboard asks again whenever the seller
 * changes the number of stations, while the plan for the old number may still be computing. So the routes never
 * hand the pool two of one caller's computations at once: a request waits for the caller's running computation, then
 * its own is computed. The same request again shares the one running or waiting (a screen re-polling, a reload).
 * The newer request wins: one still waiting for its turn when the caller asks for another plan is superseded (the
 * screen that asked has moved on), so a caller waits for at most one computation besides their own. A turn that
 * must not be lost (a batch print) neither supersedes nor is superseded: it waits its turn.
 */
import { ConflictError } from '../../app/errors';
import { localized } from '../../core/i18n';

type Turn = { superseded: boolean; supersedable: boolean; started: boolean; computing?: Promise<unknown> };

export interface CallerTurns {
  /**
   * `work` once the caller's earlier computations have finished. With a `key` (the request's URL), the same request
   * again shares the computation running or waiting for it.
   */
  inTurn<T>(caller: string, work: () => Promise<T>, options?: { key?: string; supersedable?: boolean }): Promise<T>;
}

const superseded = () =>
  new ConflictError(
    'plan.superseded',
    localized(
      'A newer plan was asked for meanwhile (the number of stations changed): ' +
        'this one was not computed, the newer one is shown.',
      '其间已请求更新的计划（工作台数量已更改）：此计划未计算，显示的是更新的计划。',
    ),
  );

export function callerTurns(): CallerTurns {
  const lines = new Map<string, { tail: Promise<unknown>; turns: Turn[] }>();
  const byKey = new Map<string, Turn>();
  return {
    inTurn<T>(caller: string, work: () => Promise<T>, options: { key?: string; supersedable?: boolean } = {}) {
      const line = lines.get(caller) ?? { tail: Promise.resolve(), turns: [] };
      const sharedKey = options.key === undefined ? undefined : `${caller}\u0000${options.key}`;
      const same = sharedKey === undefined ? undefined : byKey.get(sharedKey);
      const shared = same && !same.superseded ? same : undefined;
      const supersedable = options.supersedable ?? true;
      if (supersedable)
        for (const turn of line.turns)
          if (turn !== shared && !turn.started && turn.supersedable) turn.superseded = true;
      if (shared) return shared.computing as Promise<T>;
      // With nothing of the caller's running or waiting, this one is under way at once: nothing can supersede it.
      const mine: Turn = { superseded: false, supersedable, started: line.turns.length === 0 };
      const computing = line.tail
        .catch(() => undefined)
        .then(() => {
          mine.started = true;
          if (mine.superseded) throw superseded();
          return work();
        })
        .finally(() => {
          line.turns.splice(line.turns.indexOf(mine), 1);
          if (sharedKey !== undefined && byKey.get(sharedKey) === mine) byKey.delete(sharedKey);
          if (line.turns.length === 0 && lines.get(caller) === line) lines.delete(caller);
        });
      mine.computing = computing;
      line.turns.push(mine);
      line.tail = computing;
      lines.set(caller, line);
      if (sharedKey !== undefined) byKey.set(sharedKey, mine);
      return computing;
    },
  };
}
