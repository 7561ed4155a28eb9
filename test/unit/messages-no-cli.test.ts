/**
 * A seller or packer reads every `localized(…)` message outside the CLI, so none may tell them to run a CLI command
 * (`shipby pack sender`, `./bin/shipby …`) or call an API path (`PUT /shops/:shop/sender`, `/skus/dimensions`):
 * they say which dashboard screen to open instead. The CLI's own hints for CLI users (src/cli) may name commands.
 * The command words come from the CLI's source, so a new command is guarded too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/app/errors';
import { reportError } from '../../src/cli/support';
import { FIX_SCREENS, missingSetting, type FixScreen } from '../../src/core/fix';
import { localized } from '../../src/core/i18n';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const CLI = path.join(SRC, 'cli');
/**
 * Files whose messages only an operator reads at a terminal, before any dashboard runs: the database start-up's
 * refusal of a half-upgraded file says to restore a backup, which only the CLI does (with the server stopped).
 */
const OPERATOR_ONLY = new Set(['src/store/migration-repair.ts']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === CLI ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function cliSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? cliSources(full) : /\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** Every command and subcommand word the CLI declares (`.command('sku-dims')`, `.command('account <carrier>')`). */
const COMMANDS = [
  ...new Set(
    cliSources(CLI).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/\.command\(\s*['"`]([a-z][a-z-]*)/g)].map((m) => m[1]!),
    ),
  ),
];

/** The text of each `localized(` call: from the call to its closing parenthesis, strings and templates skipped over. */
export function localizedCalls(source: string): Array<{ line: number; text: string }> {
  const calls: Array<{ line: number; text: string }> = [];
  const pattern = /\blocalized\(/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    let depth = 1;
    let i = match.index + match[0].length;
    let quote: string | undefined;
    const templateDepths: number[] = [];
    for (; i < source.length && depth > 0; i++) {
      const c = source[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
        else if (quote === '`' && c === '$' && source[i + 1] === '{') {
          // a template's ${…}: its parentheses and strings are code, counted like the rest
          quote = undefined;
          depth++;
          i++;
          templateDepths.push(depth);
        }
        continue;
      }
      if (c === "'" || c === '"' || c === '`') quote = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (c === '}' && templateDepths.at(-1) === depth) {
          templateDepths.pop();
          depth--;
          quote = '`';
          continue;
        }
        depth--;
      }
    }
    calls.push({ line: source.slice(0, match.index).split('\n').length, text: source.slice(match.index, i) });
  }
  return calls;
}
const API_PATH = [
  /\b(?:GET|PUT|POST|PATCH|DELETE)\s+\/[a-z]/, // PUT /shops/…
  /(?:^|[\s(（`'"])\/[a-z][\w-]*\/(?::[a-z]|[a-z][\w-]*)/, // /shops/:shop, /skus/dimensions
];

/** What in one message names a CLI command or an API path, if anything. */
export function forbiddenIn(text: string): string | undefined {
  const cli = new RegExp(`(?:\\./bin/shipby\\b|\\bshipby\\s+(?:${COMMANDS.join('|')})\\b(?!:))`).exec(text);
  if (cli) return cli[0];
  for (const pattern of API_PATH) {
    const api = pattern.exec(text);
    if (api) return api[0].trim();
  }
  return undefined;
}

describe('messages a seller or packer reads', () => {
  it('the guard knows the CLI commands and catches each kind of reference', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['pack', 'sender', 'sku-dims', 'carrier', 'shop', 'user']));
    expect(forbiddenIn('set it first (shipby pack sender).')).toBe('shipby pack');
    expect(forbiddenIn('Ask for a new one (./bin/shipby user link EMAIL).')).toBe('./bin/shipby');
    expect(forbiddenIn('or PUT /shops/:shop/sender')).toBe('PUT /s');
    expect(forbiddenIn('see /skus/dimensions')).toBe('/skus/dimensions');
    expect(forbiddenIn('请先设置（/shops/:shop/boxes）')).toBe('（/shops/:s');
    // Words after "shipby" that are no command, and a slash in prose, pass.
    expect(forbiddenIn('shipby reconnects by itself when it is back.')).toBeUndefined();
    expect(forbiddenIn('shipby demo: a simulated day')).toBeUndefined();
    expect(
      forbiddenIn('Settings → Sender address (设置 → 寄件人地址), 1/2 parcels, https://example.com/a/b'),
    ).toBeUndefined();
  });

  it('finds the whole of a call spread over lines, with templates inside', () => {
    const calls = localizedCalls("x(localized(\n  `a ${f(1, ')')} b`,\n  'c (d)',\n), y);\nlocalized('e', 'f')");
    expect(calls.map((c) => c.line)).toEqual([1, 5]);
    expect(calls[0]!.text).toContain("'c (d)'");
    expect(calls[1]!.text).toBe("localized('e', 'f')");
  });

  it('never name a CLI command or an API path (outside src/cli)', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (OPERATOR_ONLY.has(path.relative(ROOT, file))) continue;
      for (const call of localizedCalls(fs.readFileSync(file, 'utf8'))) {
        const bad = forbiddenIn(call.text);
        if (bad) found.push(`${path.relative(ROOT, file)}:${call.line}: ${bad}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('a refusal for a missing setting', () => {
  const lang = process.env.SHIPBY_LANG;
  const exitCode = process.exitCode;
  afterEach(() => {
    process.env.SHIPBY_LANG = lang;
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it('names its dashboard screen in both languages and points at it, for every screen', () => {
    for (const screen of Object.keys(FIX_SCREENS) as FixScreen[]) {
      const issue = missingSetting('x', screen, localized('Shop demo lacks it', '店铺 demo 缺少它'));
      expect(issue.fix).toEqual({ screen });
      expect(issue.message.en).toBe(
        `Shop demo lacks it: set it in the dashboard under ${FIX_SCREENS[screen].en}, then try again.`,
      );
      expect(issue.message['zh-CN']).toBe(
        `店铺 demo 缺少它：请在后台「${FIX_SCREENS[screen]['zh-CN']}」中设置，然后重试。`,
      );
      expect(forbiddenIn(issue.message.en) ?? forbiddenIn(issue.message['zh-CN'])).toBeUndefined();
    }
  });

  it('at the command line, also names the command that sets the same thing (a real one of the CLI)', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    for (const [lang, hint] of [
      ['en', 'From the command line'],
      ['zh-CN', '命令行'],
    ] as const) {
      process.env.SHIPBY_LANG = lang;
      for (const screen of Object.keys(FIX_SCREENS) as FixScreen[]) {
        printed.length = 0;
        reportError(new ValidationError([missingSetting('x', screen, localized('Missing', '缺少'))]));
        expect(printed).toHaveLength(2);
        // zh-CN quotes the command in backticks, as a code among Chinese words.
        const command = new RegExp(`^  ${hint}[:：] ?\`?shipby ([a-z-]+) ([a-z-]+) --help\`?$`).exec(printed[1]!);
        expect(command, printed[1]).not.toBeNull();
        expect(COMMANDS).toEqual(expect.arrayContaining([command![1], command![2]]));
      }
    }
    expect(process.exitCode).toBe(1);
  });
});
