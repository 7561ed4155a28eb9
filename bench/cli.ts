/**
 * npm run bench:cli — how fast `shipby` starts: `tracking-number check`, `policy list` and `order ID`, each run
 * RUNS times (default 10) through ./bin/shipby (the compiled build), interleaved with a bare `node -e ""` so that
 * both see the same load. Prints, per command, the median wall time and CPU time (user + system, of the child
 * processes) and the ratio to the bare start; the target is a ratio within 3 in both. A command that misses it
 * in either is marked and the bench exits 1 (after printing every figure and the JSON line). Under load the CPU
 * ratio is the steadier of the two: compare that.
 * The store is a fresh SQLite file with examples/orders.csv imported (it is migrated before the runs).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, isFresh } from '../scripts/build.mjs';

const RUNS = Number(process.env.RUNS ?? 10);
/** A read command may take this many times a bare `node -e ""`, in wall time and in CPU time. */
const TARGET = 3;
const bin = path.resolve('bin/shipby');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-bench-cli-'));
const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, SHIPBY_LANG: 'en' };

/** Runs a command line under bash and reads the children's CPU from `times`: wall and CPU ms. */
function measure(command: string[]): { wallMs: number; cpuMs: number } {
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = process.hrtime.bigint();
  const out = execFileSync('bash', ['-c', `${quoted} >/dev/null 2>&1; times`], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const children = out.trim().split('\n').at(-1)!;
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wallMs, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!isFresh()) {
  console.log('building (the build is older than the sources)…');
  await buildApp();
}
execFileSync(bin, ['import', path.resolve('examples/orders.csv'), '--shop', 'demo'], { env, stdio: 'ignore' });
const orderId = JSON.parse(execFileSync(bin, ['orders', '--json', '--limit', '1'], { env, encoding: 'utf8' }))[0].id as
  | string
  | number;

const commands: Array<{ name: string; argv: string[] }> = [
  { name: 'node -e ""', argv: [process.execPath, '-e', ''] },
  { name: 'tracking-number check', argv: [bin, 'tracking-number', 'check', 'RR123456785CN'] },
  { name: 'policy list', argv: [bin, 'policy', 'list'] },
  { name: `order ${orderId}`, argv: [bin, 'order', String(orderId)] },
];

const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
measure(commands[0]!.argv); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  commands.forEach((command, i) => {
    const { wallMs, cpuMs } = measure(command.argv);
    samples[i]!.wall.push(wallMs);
    samples[i]!.cpu.push(cpuMs);
  });
}

const bare = { wall: median(samples[0]!.wall), cpu: median(samples[0]!.cpu) };
console.log(`shipby start-up, median of ${RUNS} runs (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
console.log(
  `${'command'.padEnd(24)}${'wall ms'.padStart(9)}${'× bare'.padStart(8)}${'cpu ms'.padStart(9)}${'× bare'.padStart(8)}  within ${TARGET}×`,
);
const figures = commands.map((command, i) => {
  const wall = median(samples[i]!.wall);
  const cpu = median(samples[i]!.cpu);
  const wallRatio = wall / bare.wall;
  const cpuRatio = cpu / bare.cpu;
  const misses = [wallRatio > TARGET ? 'wall' : '', cpuRatio > TARGET ? 'cpu' : ''].filter(Boolean);
  console.log(
    `${command.name.padEnd(24)}${wall.toFixed(0).padStart(9)}${wallRatio.toFixed(2).padStart(8)}${cpu.toFixed(0).padStart(9)}${cpuRatio.toFixed(2).padStart(8)}  ${misses.length ? `MISSED (${misses.join(', ')})` : 'yes'}`,
  );
  return {
    command: command.name,
    wall_ms: Math.round(wall),
    wall_ratio: Number(wallRatio.toFixed(2)),
    cpu_ms: Math.round(cpu),
    cpu_ratio: Number(cpuRatio.toFixed(2)),
    within_target: misses.length === 0,
  };
});
console.log(
  JSON.stringify({ bench: 'cli', runs: RUNS, load: Number(os.loadavg()[0]!.toFixed(1)), target: TARGET, figures }),
);
fs.rmSync(dir, { recursive: true, force: true });
const missed = figures.filter((figure) => !figure.within_target);
if (missed.length > 0) {
  console.error(`missed ${TARGET}× a bare start: ${missed.map((figure) => figure.command).join(', ')}`);
  process.exitCode = 1;
}
