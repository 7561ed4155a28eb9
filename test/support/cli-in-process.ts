/**
 * `shipby ARGS…` run in the test's own process: the same command line code as `./bin/shipby` (runCommandLine,
 * src/cli/program.ts), without a Node process to start per command (about a second each on a busy 2-core machine,
 * the most of a CLI test's time). For the tests about what a command prints and what it changes; what only a real
 * process shows (its exit, its environment, several processes on one store) stays with `shipby` of processes.ts.
 *
 * The command sees `env` over this process's environment, and prints into the answer: console output and whatever
 * is written to standard output and error (commander's refusals, a CSV written to stdout). One at a time: the
 * environment, the console and the exit code are the process's.
 */
import { format } from 'node:util';
import { vi } from 'vitest';
import { runCommandLine } from '../../src/cli/program';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let running = false;

export async function shipbyInProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  if (running) throw new Error('shipbyInProcess runs one command line at a time');
  running = true;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const line =
    (into: string[]) =>
    (...parts: unknown[]) =>
      void into.push(`${format(...parts)}\n`);
  const write =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(line(stdout)),
    vi.spyOn(console, 'info').mockImplementation(line(stdout)),
    vi.spyOn(console, 'error').mockImplementation(line(stderr)),
    vi.spyOn(console, 'warn').mockImplementation(line(stderr)),
    vi.spyOn(process.stdout, 'write').mockImplementation(write(stdout)),
    vi.spyOn(process.stderr, 'write').mockImplementation(write(stderr)),
  ];
  const saved = { ...process.env };
  Object.assign(process.env, { SHIPBY_LANG: 'en' }, env);
  process.exitCode = undefined;
  try {
    await runCommandLine(args, (program) => program.exitOverride());
    return { code: Number(process.exitCode ?? 0), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    process.exitCode = undefined;
    running = false;
  }
}
