import { describe, expect, it } from 'vitest';
import { QueuedWrites, untilSent } from '../../src/store/queued-writes';

/** A write that settles when told to, as a statement queued on a busy connection does. */
function pendingWrite<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('queued writes', () => {
  it('waits for every write and passes when each check does', async () => {
    const writes = new QueuedWrites();
    const a = pendingWrite<number>();
    const b = pendingWrite<number>();
    const seen: number[] = [];
    writes.add(a.promise, (n) => (seen.push(n), n === 2 ? undefined : new Error('a')));
    writes.add(b.promise, (n) => (seen.push(n), undefined));
    let settled = false;
    const done = writes.settle().then(() => (settled = true));
    b.resolve(5);
    await Promise.resolve();
    expect(settled).toBe(false);
    a.resolve(2);
    await done;
    expect(settled).toBe(true);
    expect(seen.sort()).toEqual([2, 5]);
  });

  it('throws the first failure in the order the writes were added, whichever failed first', async () => {
    const writes = new QueuedWrites();
    const first = pendingWrite<number>();
    const second = pendingWrite<number>();
    writes.add(first.promise, (n) => (n === 3 ? undefined : new Error(`first wrote ${n} of 3`)));
    writes.add(second.promise);
    second.reject(new Error('current transaction is aborted'));
    first.resolve(2);
    await expect(writes.settle()).rejects.toThrow('first wrote 2 of 3');
  });

  it('keeps a write that fails while the caller is busy elsewhere observed, and reports it at settle', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const writes = new QueuedWrites();
      writes.add(Promise.reject(new Error('duplicate key')));
      // The caller goes on with other work (another read, planning) before it settles.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      await expect(writes.settle()).rejects.toThrow('duplicate key');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('lets a statement issued behind several awaits reach the connection before the caller goes on', async () => {
    const sent: string[] = [];
    // As Kysely does: the driver is called only after awaits of its own (compile, connection, runner).
    const issue = async (name: string) => {
      for (let hop = 0; hop < 6; hop++) await Promise.resolve();
      sent.push(name);
    };
    void issue('update orders');
    expect(sent).toEqual([]);
    await untilSent();
    expect(sent).toEqual(['update orders']);
  });

  it('adds a write and returns once it has gone out, so the next step runs beside it', async () => {
    const sent: string[] = [];
    const issue = async (name: string) => {
      for (let hop = 0; hop < 6; hop++) await Promise.resolve();
      sent.push(name);
      return 1;
    };
    const writes = new QueuedWrites();
    await writes.add(issue('update parcels'));
    expect(sent).toEqual(['update parcels']);
    await writes.settle();
  });
});
