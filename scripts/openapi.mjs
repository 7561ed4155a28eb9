#!/usr/bin/env node
/**
 * Writes or checks the dashboard's API types (web/src/api-types.gen.ts, see scripts/openapi-types.mjs):
 *
 *   node --import tsx scripts/openapi.mjs                    writes the file (npm run api-types; npm run build:web)
 *   node --import tsx scripts/openapi.mjs --check [file]     exits 1, naming the file, when it differs from what the
 *                                                            server's schemas give (npm run check:api-types, in CI)
 */
import fs from 'node:fs';
import path from 'node:path';
import { generatedTypes, TARGET } from './openapi-types.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const file = path.resolve(args.find((a) => !a.startsWith('--')) ?? TARGET);
const text = await generatedTypes();
const shown = path.relative(process.cwd(), file) || file;
if (check) {
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (committed !== text) {
    console.error(
      `${shown} is out of date with the server's response schemas: run \`npm run api-types\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${shown} is up to date.`);
} else {
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  console.log(`wrote ${shown}`);
}
