/**
 * Commander's own refusals in Chinese (issue 17): each sentence commander 14 writes for a bad command line, produced
 * by a real commander program configured as the CLI's is, comes out in Chinese with the option, argument or command
 * it names; English stays English.
 */
import { Command, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { commanderErrorInChinese, localizeCommanderErrors } from '../../src/cli/commander-zh';
import type { Locale } from '../../src/core/i18n';
import { englishWords } from '../support/english-words';

/** What the program writes to stderr for `args`, configured for `locale` as src/cli/program.ts does. */
function refusal(locale: Locale, args: string[]): string {
  let written = '';
  const program = new Command().name('shipby').exitOverride().showHelpAfterError();
  program.configureOutput({ writeErr: (text) => (written += text), writeOut: () => undefined });
  localizeCommanderErrors(program, locale);
  program
    .command('stock')
    .argument('<sku>')
    .requiredOption('--warehouse <id>', 'the warehouse')
    .option('--units <n>', 'how many', (text) => {
      if (!/^\d+$/.test(text)) throw new InvalidArgumentError('须为整数。');
      return Number(text);
    })
    .option('--all', 'every warehouse')
    .addOption(new Command().createOption('--one', 'one warehouse').conflicts('all'))
    .action(() => undefined);
  try {
    program.parse(args, { from: 'user' });
  } catch {
    // exitOverride: commander throws after writing its refusal
  }
  return written;
}

const CASES: Array<{ args: string[]; names: string[] }> = [
  { args: ['stock', 'A'], names: ['--warehouse <id>'] },
  { args: ['stock', 'A', '--warehouse'], names: ['--warehouse <id>'] },
  { args: ['stock', '--warehouse', 'W'], names: ['sku'] },
  { args: ['stock', 'A', '--warehouse', 'W', '--wharehouse'], names: ['--wharehouse'] },
  { args: ['stokc'], names: ['stokc', 'stock'] },
  { args: ['stock', 'A', 'B', '--warehouse', 'W'], names: ['stock'] },
  { args: ['stock', 'A', '--warehouse', 'W', '--units', 'many'], names: ['--units <n>', 'many', '须为整数'] },
  { args: ['stock', 'A', '--warehouse', 'W', '--all', '--one'], names: ['--one', '--all'] },
];

describe("commander's refusals in the CLI's language", () => {
  it.each(CASES)('says $args in Chinese, naming what was wrong', ({ args, names }) => {
    const english = refusal('en', args);
    expect(english).toMatch(/^error: /);
    const chinese = refusal('zh-CN', args);
    expect(chinese).toMatch(/^错误：/);
    for (const name of names) expect(chinese).toContain(name);
    // The names commander quotes are the command line's own words (allowed, as the CLI tests allow codes).
    expect(englishWords(chinese, names)).toEqual([]);
    // The Chinese CLI points to --help instead of the English help text.
    expect(chinese).toContain('--help');
    expect(chinese).not.toMatch(/Usage:|Options:/);
  });

  it('leaves English as commander writes it, and a sentence it does not know unchanged', () => {
    expect(refusal('en', ['stock', 'A'])).toMatch(/^error: required option '--warehouse <id>' not specified\n/);
    expect(refusal('en', ['stock', 'A'])).toMatch(/Usage: shipby stock/);
    expect(commanderErrorInChinese('error: something new\n')).toBe('error: something new\n');
  });
});
