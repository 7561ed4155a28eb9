#!/usr/bin/env node
/**
 * After `vite build`: writes a gzip copy beside each text file (the server sends it to browsers that accept
 * gzip), then prints the JavaScript a first visit loads (the entry script and the modules it preloads, read
 * from dist/index.html), gzip-compressed, against the 150 KB budget (issue 17). Exits 1 over budget.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 150 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
for (const file of fs.readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (/\.(js|css|html|svg|json)$/.test(file)) {
    const full = path.join(dist, file);
    fs.writeFileSync(`${full}.gz`, gzipSync(fs.readFileSync(full), { level: 9 }));
  }
}

const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = new Set(
  [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]),
);
let raw = 0;
let gzip = 0;
for (const src of scripts) {
  const bytes = fs.readFileSync(path.join(dist, src.replace(/^\//, '')));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += zipped;
  console.log(`  ${src}: ${(bytes.length / 1024).toFixed(1)} KB, ${(zipped / 1024).toFixed(1)} KB gzip`);
}
const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)]
  .map((m) => gzipSync(fs.readFileSync(path.join(dist, m[1].replace(/^\//, '')))).length)
  .reduce((a, b) => a + b, 0);
const kb = (n) => (n / 1024).toFixed(1);
console.log(
  `first-load JavaScript: ${kb(raw)} KB, ${kb(gzip)} KB gzip (budget ${kb(BUDGET_BYTES)} KB gzip); CSS ${kb(css)} KB gzip`,
);
console.log(
  JSON.stringify({
    first_load_js_bytes: raw,
    first_load_js_gzip_bytes: gzip,
    css_gzip_bytes: css,
    budget_gzip_bytes: BUDGET_BYTES,
  }),
);
if (gzip > BUDGET_BYTES) {
  console.error(`first-load JavaScript is ${kb(gzip)} KB gzip, over the ${kb(BUDGET_BYTES)} KB budget`);
  process.exit(1);
}
