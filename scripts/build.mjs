/**
 * `npm run build:server`: compiles the server, the CLI and the worker-thread entries to JavaScript in build/app/,
 * so `./bin/shipby` and `npm start` run without transpiling TypeScript on every start (tsx stays for development
 * and the tests).
 *
 * One esbuild bundle with code splitting: every `import()` (each CLI command module, src/cli/commands/index.ts)
 * becomes its own chunk, so a command loads only what it uses. The pure-JavaScript packages are bundled in (Node
 * resolves and reads hundreds of small files otherwise: kysely alone costs ~230 ms of CPU to load unbundled, ~45 ms
 * bundled); the native one and those that read their own files at run time (fonts, static assets) stay external,
 * and so do `pg`, loaded only when a PostgreSQL store opens (src/store/database.ts), and `date-holidays`, loaded
 * only when a calendar names a holiday country (src/core/policy/holidays-library.ts).
 *
 * Paths: build/app/ is two folders deep like src/<layer>/, so `new URL('../../web/dist', import.meta.url)`
 * (http/server.ts) finds the dashboard from either; the worker threads are emitted under the names the source
 * starts them by (`./plan-worker-boot.mjs`, `./order-stream-worker-boot.mjs`), which in src/app/ are the small
 * files registering tsx and here are the compiled workers themselves.
 *
 * First the shipped policies: the documents under src/core/policy are validated with their zod schema and written,
 * defaults filled in, to src/core/policy/built-in-policies.generated.ts (only when that changes), which is what the
 * registry reads, so no command parses policies with zod at start. A document that does not validate stops the
 * build with the schema's message. With them, src/core/intl-data.generated.ts: the offsets of the policies' zones
 * and the currencies' digits as this runtime's Intl gives them, so no read command builds an Intl formatter
 * (src/core/intl-data.ts).
 *
 * The build is written beside build/app and swapped in, so a command starting meanwhile finds the old or the new
 * build, whole. `isFresh()` tells whether build/app is newer than every source file (bin/shipby and
 * test/global-setup.ts build when it is not).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'build/app');
/** Written last: its time is the build's. */
export const STAMP = path.join(OUT, 'main.mjs');
/** What the build reads: a change to any of these makes it stale. */
const SOURCES = ['src', 'scripts/build.mjs', 'package.json'];

const ENTRIES = [
  { in: 'src/cli/main.ts', out: 'main' },
  { in: 'src/app/plan-worker.ts', out: 'plan-worker-boot' },
  { in: 'src/app/order-stream-worker.ts', out: 'order-stream-worker-boot' },
  { in: 'src/jobs/outbox-worker-main.ts', out: 'outbox-worker-main' },
];

/** Loaded from node_modules at run time: native code, files read beside the package, or only used by tools. */
const EXTERNAL = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'date-holidays',
  'pdfkit',
  'bwip-js',
  'exceljs',
  'fastify',
  '@fastify/*',
  'pino',
  'prom-client',
  'ioredis',
  'tsx',
  'tsx/*',
  'vite',
  'vitest',
];

/**
 * commander requires node:child_process at load (~7 ms of CPU at each start) for the one thing shipby never does,
 * running a subcommand as its own executable: in the bundle its `spawn` loads the module when called.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'shipby-lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'shipby-lazy' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

function newestSourceMs() {
  let newest = 0;
  const visit = (file) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) for (const name of fs.readdirSync(file)) visit(path.join(file, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of SOURCES) visit(path.join(ROOT, source));
  return newest;
}

export function isFresh() {
  if (!fs.existsSync(STAMP)) return false;
  return fs.statSync(STAMP).mtimeMs >= newestSourceMs();
}

export const GENERATED_POLICIES = path.join(ROOT, 'src/core/policy/built-in-policies.generated.ts');
export const GENERATED_INTL_DATA = path.join(ROOT, 'src/core/intl-data.generated.ts');

/** Writes the text to the file, whole, when it differs (a rewrite would make the build stale). */
function writeIfChanged(file, text) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (text === current) return;
  const staging = `${file}.${process.pid}.new`;
  fs.writeFileSync(staging, text);
  fs.renameSync(staging, file);
}

/**
 * Validates the shipped policy documents and writes them to GENERATED_POLICIES, and this runtime's zone offsets
 * and currency digits to GENERATED_INTL_DATA (each only when it changes).
 */
export async function generatePolicies() {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    stdin: {
      contents: [
        "export { builtInPoliciesModule } from './src/core/policy/schema.ts';",
        "export { intlDataModule } from './src/core/intl-data-source.ts';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    logLevel: 'warning',
  });
  // Imported from a file under build/ so that anything left external resolves from node_modules.
  const script = path.join(ROOT, `build/policies.${process.pid}.mjs`);
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.writeFileSync(script, result.outputFiles[0].text);
  let generated;
  try {
    generated = await import(pathToFileURL(script).href);
  } finally {
    fs.rmSync(script, { force: true });
  }
  writeIfChanged(GENERATED_POLICIES, generated.builtInPoliciesModule());
  writeIfChanged(GENERATED_INTL_DATA, generated.intlDataModule());
}

export async function buildApp() {
  await generatePolicies();
  const { build } = await import('esbuild');
  const staging = `${OUT}.${process.pid}.new`;
  fs.rmSync(staging, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    plugins: [lazyChildProcess],
    outExtension: { '.js': '.mjs' },
    // Bundled CommonJS packages call require(): give each chunk one.
    banner: {
      js: "import { createRequire as __shipbyCreateRequire } from 'node:module'; const require = __shipbyCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    // Less text for V8 to parse at each start (~8 % of an `order ID`'s CPU); names are kept, so stack traces still
    // name the functions, and the linked source maps give the lines.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  // The stamp is written last (its time is the build's): touch it after everything else is there.
  const now = new Date();
  fs.utimesSync(path.join(staging, 'main.mjs'), now, now);
  const old = `${OUT}.${process.pid}.old`;
  if (fs.existsSync(OUT)) fs.renameSync(OUT, old);
  fs.renameSync(staging, OUT);
  fs.rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const onlyIfStale = process.argv.includes('--if-stale');
  if (onlyIfStale && isFresh()) process.exit(0);
  const started = Date.now();
  await buildApp();
  console.error(
    `shipby: compiled to ${path.relative(process.cwd(), OUT) || OUT} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
