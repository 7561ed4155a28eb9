/**
 * The planner off the event loop (security issue, finding 1): plan computations run in a small pool of worker
 * threads, so the server keeps answering while they search. Server-side caps: the search budget is clamped
 * (`maxBudgetMs`), a problem past `maxJobs` orders is refused, each caller has at most one computation queued or
 * running, and past `maxQueued` waiting ones the pool answers busy; both answers are 429 with Retry-After. A thread
 * that overruns its hard limit is ended and replaced.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { localized } from '../core/i18n';
import { TooManyAttemptsError, ValidationError } from './errors';
import type { PlanOutcome, PlanRunner, PlanTask } from './plan-compute';
import type { PlanThreadReply } from './plan-worker';
import { setting } from '../core/config';

export interface PlanPoolOptions {
  /** Threads (SHIPBY_PLAN_THREADS; default 2, at most the cores). */
  threads?: number;
  /** The longest search a request may ask for, ms (SHIPBY_PLAN_MAX_BUDGET_MS, default 2000). */
  maxBudgetMs?: number;
  /** The most orders one plan may hold (SHIPBY_PLAN_MAX_JOBS, default 20000). */
  maxJobs?: number;
  /** Computations waiting for a thread before the pool answers busy (SHIPBY_PLAN_MAX_QUEUED, default 8). */
  maxQueued?: number;
}

function planPoolOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<PlanPoolOptions> {
  return {
    threads: setting(env, 'SHIPBY_PLAN_THREADS') ?? Math.max(1, Math.min(2, os.availableParallelism())),
    maxBudgetMs: setting(env, 'SHIPBY_PLAN_MAX_BUDGET_MS'),
    maxJobs: setting(env, 'SHIPBY_PLAN_MAX_JOBS'),
    maxQueued: setting(env, 'SHIPBY_PLAN_MAX_QUEUED'),
  };
}

type Pending = {
  id: number;
  task: PlanTask;
  caller?: string;
  resolve: (o: PlanOutcome) => void;
  reject: (e: Error) => void;
};
type Thread = { worker: Worker; busy?: Pending & { timer: NodeJS.Timeout } };

/** The hard limit of one computation: the plan and its three what-if fixes search within a few budgets. */
const hardLimitMs = (budgetMs: number) => 10 * budgetMs + 30_000;

export class PlanPool {
  readonly options: Required<PlanPoolOptions>;
  private readonly threads: Thread[] = [];
  private readonly queue: Pending[] = [];
  private readonly callers = new Set<string>();
  private nextId = 1;
  private closed = false;

  constructor(options: PlanPoolOptions = {}) {
    this.options = {
      ...planPoolOptionsFromEnv(),
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  /** The runner to hand to the use cases. */
  readonly run: PlanRunner = (task, options = {}) => {
    const jobs = task.problem.input.jobs.length;
    if (jobs > this.options.maxJobs) {
      throw new ValidationError([
        {
          row: 0,
          field: 'warehouse',
          message: localized(
            `${jobs} open orders are more than one plan holds (${this.options.maxJobs}): choose a warehouse or a shop in the dashboard's plan view.`,
            `${jobs} 个未完成订单超过单个计划的上限（${this.options.maxJobs}）：请在仪表板的计划视图中选择一个仓库或店铺。`,
          ),
        },
      ]);
    }
    const caller = options.caller;
    if (caller !== undefined && this.callers.has(caller)) {
      throw new TooManyAttemptsError(
        localized(
          'Your previous plan is still being computed: wait for it, then ask again.',
          '您上一个计划仍在计算中：请等它完成后再试。',
        ),
        this.retryAfterSeconds(),
        'plan_in_progress',
      );
    }
    if (this.queue.length >= this.options.maxQueued) {
      throw new TooManyAttemptsError(
        localized('The planner is busy with other plans: try again shortly.', '计划器正忙于其他计划：请稍后再试。'),
        this.retryAfterSeconds(),
        'planner_busy',
      );
    }
    const budget = Math.min(task.settings.timeBudgetMs, this.options.maxBudgetMs);
    const capped: PlanTask = {
      ...task,
      settings: { ...task.settings, timeBudgetMs: budget },
      ...(task.warm ? { warm: { ...task.warm, timeBudgetMs: Math.min(task.warm.timeBudgetMs, budget) } } : {}),
    };
    if (caller !== undefined) this.callers.add(caller);
    return new Promise<PlanOutcome>((resolve, reject) => {
      const release = () => caller !== undefined && this.callers.delete(caller);
      this.queue.push({
        id: this.nextId++,
        task: capped,
        ...(caller !== undefined ? { caller } : {}),
        resolve: (o) => (release(), resolve(o)),
        reject: (e) => (release(), reject(e)),
      });
      this.dispatch();
    });
  };

  /** Starts every thread now (a thread takes a few seconds to load the planner): a listening server does this. */
  warm(): void {
    while (!this.closed && this.threads.length < this.options.threads) this.spawn();
  }

  /** Seconds until a thread is likely free: one capped search and its fixes. */
  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((3 * this.options.maxBudgetMs) / 1000));
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.queue.length) {
      let thread = this.threads.find((t) => !t.busy);
      if (!thread && this.threads.length < this.options.threads) thread = this.spawn();
      if (!thread) return;
      const pending = this.queue.shift()!;
      const timer = setTimeout(
        () => this.fail(thread!, new Error('the plan took longer than its hard limit')),
        hardLimitMs(pending.task.settings.timeBudgetMs),
      );
      thread.busy = { ...pending, timer };
      try {
        thread.worker.postMessage({ id: pending.id, task: pending.task });
      } catch (error) {
        // A task that cannot be sent (not cloneable) fails alone; the thread stays free for the next.
        clearTimeout(timer);
        thread.busy = undefined;
        pending.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private spawn(): Thread {
    const worker = new Worker(new URL('./plan-worker-boot.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const thread: Thread = { worker };
    worker.unref();
    worker.on('message', (reply: PlanThreadReply) => {
      const busy = thread.busy;
      if (!busy || busy.id !== reply.id) return;
      clearTimeout(busy.timer);
      thread.busy = undefined;
      if ('outcome' in reply) busy.resolve(reply.outcome);
      else busy.reject(new Error(reply.error));
      this.dispatch();
    });
    worker.on('error', (error) => this.fail(thread, error));
    worker.on('exit', (code) => this.fail(thread, new Error(`the planner thread stopped with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  /** Ends a thread that failed or overran: its computation fails, the next one gets a fresh thread. */
  private fail(thread: Thread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    const busy = thread.busy;
    thread.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.reject(error);
    }
    void thread.worker.terminate();
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the server is shutting down'));
    const threads = this.threads.splice(0);
    for (const t of threads)
      if (t.busy) clearTimeout(t.busy.timer), t.busy.reject(new Error('the server is shutting down'));
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}
