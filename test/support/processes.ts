/**
 * Child processes for the multi-process tests: the shipby command (compiled, build/app: test/global-setup.ts builds
 * it once per run), and TypeScript children run with tsx, with their output collected line by line so a test can
 * wait for a condition on it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { vi } from 'vitest';

/** Child processes start slowly on a busy 2-core machine: a ceiling for tests that spawn them, not a measured time. */
export const CHILD_PROCESS_TIMEOUT = 180_000;

const bin = path.resolve('bin/shipby');
const loader = path.resolve('node_modules/tsx/dist/loader.mjs');

/** The compiled entry points (scripts/build.mjs): what `./bin/shipby` runs, and the outbox worker's own process. */
export const COMPILED = {
  cli: path.resolve('build/app/main.mjs'),
  outboxWorker: path.resolve('build/app/outbox-worker-main.mjs'),
} as const;

export interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `node --import tsx FILE ARGS…` (a compiled `.mjs` file without tsx), collecting stdout and stderr lines;
 * `exited` waits for both to close.
 */
export function startChild(file: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const node = file.endsWith('.mjs') ? [path.resolve(file)] : ['--import', loader, path.resolve(file)];
  const child = spawn(process.execPath, [...node, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    stream?.on('end', () => rest && lines.push(rest));
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, lines, exited };
}

/** Runs `./bin/shipby ARGS…` to its end. */
export function shipby(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { env: { ...process.env, SHIPBY_LANG: 'en', ...env }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Waits (no fixed sleep) until `check` passes; generous for a busy 2-core machine. */
export async function waitUntil(check: () => void | Promise<void>, timeout = 60_000): Promise<void> {
  await vi.waitFor(check, { timeout, interval: 50 });
}

export async function stop(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}

/** A port free on 127.0.0.1 now (for a child server's --port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
