#!/usr/bin/env node
/**
 * Lists the names src/ exports that no other file mentions (src, test, bench, web, scripts): candidates to un-export
 * or remove (the installed TypeScript 7 has no JavaScript compiler API, so exports are read from declarations that
 * start a line, as the house writes them); a use is the name as a whole word in another
 * file, so the list errs on the side of keeping (a name used under `import * as x` as `x.name` counts as used).
 *   node scripts/dead-exports.mjs            the values (functions, constants, classes, enums), one `file: name` a line
 *   node scripts/dead-exports.mjs --types    types and interfaces too
 *   node scripts/dead-exports.mjs --count    the count alone
 */
import fs from 'node:fs';
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const walk = (dir) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return [];
        const full = path.join(dir, e.name);
        return e.isDirectory() ? walk(full) : /\.(m?[jt]sx?)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
      })
    : [];

const sources = walk(path.join(root, 'src')).filter((f) => /\.tsx?$/.test(f));
const everything = ['src', 'test', 'bench', 'web', 'scripts'].flatMap((d) => walk(path.join(root, d)));
const texts = new Map(everything.map((f) => [f, fs.readFileSync(f, 'utf8')]));

/** The names a file declares with `export` at the start of a line (not re-exports from elsewhere, not default). */
function exportedNames(file) {
  const text = texts.get(file);
  const names = [];
  const declared =
    /^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of text.matchAll(declared)) names.push({ name: m[2], type: m[1] === 'interface' || m[1] === 'type' });
  const listed = /^export\s+(type\s+)?\{([^}]*)\}\s*;?\s*$/gm;
  for (const m of text.matchAll(listed)) {
    for (const part of m[2].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.push({ name, type: Boolean(m[1]) || /^\s*type\s/.test(part) });
    }
  }
  return names;
}

const withTypes = process.argv.includes('--types');
const dead = [];
for (const file of sources) {
  for (const { name, type } of exportedNames(file)) {
    const word = new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/\$/g, '\\$')}($|[^A-Za-z0-9_$])`);
    let used = false;
    for (const [other, text] of texts) {
      if (other !== file && text.includes(name) && word.test(text)) {
        used = true;
        break;
      }
    }
    if (!used && (withTypes || !type)) dead.push(`${path.relative(root, file)}: ${name}${type ? ' (type)' : ''}`);
  }
}
if (process.argv.includes('--count')) console.log(dead.length);
else {
  for (const line of dead) console.log(line);
  console.log(`${dead.length} exported names used nowhere outside their own file`);
}
