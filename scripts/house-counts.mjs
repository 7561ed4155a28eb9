#!/usr/bin/env node
/**
 * The house's size counts (issue 21's closing note): source files over 400 lines, functions over 100 lines, and lines
 * over 120 and 160 characters, in src/ and web/src/. Functions are counted by Biome's noExcessiveLinesPerFunction
 * rule, run with a throw-away configuration (the house's biome.json keeps it off: a count, not a gate).
 *   node scripts/house-counts.mjs          the counts, one JSON line
 *   node scripts/house-counts.mjs --list   the files and functions too
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const list = process.argv.includes('--list');
const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
const files = ['src', 'web/src'].flatMap((d) => walk(path.join(root, d)));
const lines = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8').split('\n')]));
const over400 = files.filter((f) => lines.get(f).length > 400);
const longLines = (width) => [...lines.values()].reduce((n, ls) => n + ls.filter((l) => l.length > width).length, 0);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'house-counts-'));
fs.writeFileSync(
  path.join(dir, 'biome.json'),
  JSON.stringify({
    files: { includes: ['**/*.ts', '**/*.tsx', '!**/node_modules/**'] },
    formatter: { enabled: false },
    linter: {
      rules: { complexity: { noExcessiveLinesPerFunction: { level: 'error', options: { maxLines: 100 } } } },
    },
  }),
);
let report = '';
try {
  execFileSync(
    path.join(root, 'node_modules/.bin/biome'),
    [
      'lint',
      `--config-path=${dir}`,
      '--only=complexity/noExcessiveLinesPerFunction',
      '--max-diagnostics=none',
      '--colors=off',
      'src',
      'web/src',
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
} catch (error) {
  report = `${error.stdout ?? ''}${error.stderr ?? ''}`;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const longFunctions = [...report.matchAll(/^(\S+:\d+:\d+) lint\/complexity\/noExcessiveLinesPerFunction/gm)].map(
  (m) => m[1],
);

if (list) {
  console.log('Files over 400 lines:');
  for (const f of over400) console.log(`  ${path.relative(root, f)} (${lines.get(f).length})`);
  console.log('Functions over 100 lines:');
  for (const at of longFunctions) console.log(`  ${at}`);
}
console.log(
  JSON.stringify({
    files_over_400_lines: over400.length,
    functions_over_100_lines: longFunctions.length,
    lines_over_120: longLines(120),
    lines_over_160: longLines(160),
  }),
);
