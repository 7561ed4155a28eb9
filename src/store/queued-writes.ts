/**
 * Writes queued on a transaction's one connection without waiting for each: the caller goes on with its next step
 * (planning, building the next statement) while the database runs the write, and checks every write's outcome at the
 * end. A transaction runs its statements one at a time and in the order they were issued (Kysely queues them on the
 * connection), so a later read or write still sees every earlier one; only the JavaScript between them now runs beside
 * the database instead of after it.
 *
 * `settle()` waits for every write and throws the first failure in the order they were issued: a write's own error
 * (after which PostgreSQL refuses the rest of the transaction), or its check's (an optimistic write that changed fewer
 * rows than given). A failed write is never left unobserved, whatever the caller does meanwhile.
 */
type Outcome = { ok: true } | { ok: false; error: unknown };

export class QueuedWrites {
  private readonly outcomes: Array<Promise<Outcome>> = [];

  /**
   * Queues `write` (already issued) and waits until it has gone out to the connection (`untilSent`), so the caller's
   * next synchronous step runs beside it; `check` sees its result at `settle()` and returns the error to throw, if any.
   */
  async add<T>(write: Promise<T>, check?: (result: T) => Error | undefined): Promise<void> {
    this.outcomes.push(
      write.then(
        (result): Outcome => {
          const error = check?.(result);
          return error ? { ok: false, error } : { ok: true };
        },
        (error: unknown): Outcome => ({ ok: false, error }),
      ),
    );
    await untilSent();
  }

  /** Waits for every queued write; throws the first failure in the order they were added. */
  async settle(): Promise<void> {
    const outcomes = await Promise.all(this.outcomes);
    this.outcomes.length = 0;
    for (const outcome of outcomes) if (!outcome.ok) throw outcome.error;
  }
}

/**
 * Waits until the statements just issued have reached the connection. Kysely hands a statement to the driver only
 * after several awaits of its own, so a caller that issues one and goes straight on with a long synchronous step
 * (planning the next write while the database runs this one) would hold it back until that step ends: one turn of
 * the event loop lets those awaits run, and the statement goes out first.
 */
export function untilSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
