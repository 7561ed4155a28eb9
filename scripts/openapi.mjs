#!/usr/bin/env node
/**
 * Writes or checks the dashboard's API types (web/src/api-types.gen.ts, see scripts/openapi-types.mjs):
 *
 *   node --import tsx scripts/openapi.mjs                    writes the file (npm run api-types; npm run build:web)
 *   node --import tsx scripts/openapi.mjs --check [file]     exits 1, naming the file, when it differs from what the
 *                                                            server's schemas give (npm run check:api-types, in CI)
 *
 * The check reads the committed file (git's HEAD) as well as the one on disk: `npm ci` runs the build, which
 * rewrites the file on disk, so in CI only the committed one can tell that it drifted.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generatedTypes, TARGET } from './openapi-types.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const file = path.resolve(args.find((a) => !a.startsWith('--')) ?? TARGET);
const shown = path.relative(process.cwd(), file) || file;

/** The file as committed (undefined outside a git checkout, or when it is not committed there). */
function committedVersion() {
  try {
    const dir = path.dirname(file);
    const inRepo = execFileSync('git', ['ls-files', '--full-name', path.basename(file)], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (!inRepo.trim()) return undefined;
    return execFileSync('git', ['show', `HEAD:${inRepo.trim()}`], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return undefined;
  }
}

const text = await generatedTypes();
if (check) {
  const onDisk = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const committed = committedVersion();
  if (onDisk !== text || (committed !== undefined && committed !== text)) {
    const what = onDisk === text ? ', as committed,' : '';
    console.error(
      `${shown}${what} is out of date with the server's response schemas: run \`npm run api-types\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${shown} is up to date.`);
} else {
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  console.log(`wrote ${shown}`);
}
