/**
 * Runs `validatedOrders` in a worker thread and hands its batches to the importer, at most a few
 * batches ahead (the importer acknowledges each), so memory stays flat while parsing and writing overlap.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { FileFormatError } from '../integrations/files/order-file';
import { validatedOrders, type OrderBatch, type StreamOptions } from './order-stream';
import { setting } from '../core/config';

type WorkerMessage =
  | { kind: 'batch'; batch: OrderBatch }
  | { kind: 'done' }
  | { kind: 'format-error'; issue: FileFormatError['issue'] }
  | { kind: 'error'; message: string };

const AHEAD = 4;

if (!isMainThread && workerData?.shipbyOrderStream) {
  const { file, options } = workerData as { file: string; options: StreamOptions };
  let credit = AHEAD;
  let wake: (() => void) | undefined;
  parentPort!.on('message', () => {
    credit++;
    wake?.();
  });
  (async () => {
    try {
      for await (const batch of validatedOrders(file, options)) {
        while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
        credit--;
        parentPort!.postMessage({ kind: 'batch', batch } satisfies WorkerMessage);
      }
      parentPort!.postMessage({ kind: 'done' } satisfies WorkerMessage);
    } catch (error) {
      parentPort!.postMessage(
        error instanceof FileFormatError
          ? { kind: 'format-error', issue: error.issue }
          : { kind: 'error', message: error instanceof Error ? error.message : String(error) },
      );
    }
    parentPort!.close();
  })();
}

/**
 * Whether to parse in a worker thread: only when SHIPBY_IMPORT_WORKER=1. Measured on the 2-core machine
 * (bench:ingest, 300,000 orders) it gained nothing while other work ran, and two V8 heaps took the peak RSS
 * from 474 MB to 782 MB, past the 512 MB budget; so the importer's own thread is the default.
 */
export function shouldUseWorker(): boolean {
  return setting(process.env, 'SHIPBY_IMPORT_WORKER') === '1';
}

export async function* validatedOrdersInWorker(file: string, options: StreamOptions): AsyncGenerator<OrderBatch> {
  const worker = new Worker(new URL('./order-stream-worker-boot.mjs', import.meta.url), {
    workerData: { shipbyOrderStream: true, file, options },
  });
  const inbox: WorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on('message', (message: WorkerMessage) => {
    inbox.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`the import worker stopped with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      const message = inbox.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (message.kind === 'done') return;
      if (message.kind === 'format-error') throw new FileFormatError(message.issue);
      if (message.kind === 'error') throw new Error(message.message);
      worker.postMessage('ack');
      yield message.batch;
    }
  } finally {
    await worker.terminate();
  }
}
