/**
 * `--help` in Chinese (issue 17): the help of every command and subcommand of the whole program, rendered in-process
 * as `shipby … --help` prints it, has no English word left when the CLI speaks zh-CN — the descriptions of commands,
 * options and arguments and commander's own words (Usage:, Options:, "(default: …)", the help option). Allowed, as in
 * the other Chinese tests (test/support/english-words.ts): codes, brand names, units; and the help's own codes: the
 * usage line's command and argument names, each item's term (flags, argument names, a subcommand's usage), a default
 * value, a value quoted in backticks. A description added in English without its Chinese (src/cli/help-zh-*.ts)
 * fails here, naming the command. The English help stays commander's own. And no command, option or argument goes
 * without a description: its help line would be blank, in English and in Chinese.
 */
import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program';
import { englishWords } from '../support/english-words';

async function program(locale: string): Promise<Command> {
  vi.stubEnv('SHIPBY_LANG', locale);
  return buildProgram();
}

/** The program and all its commands and subcommands, each with its path (`stock warehouse add`). */
function everyCommand(root: Command): Array<{ path: string; command: Command }> {
  const all = [{ path: '', command: root }];
  for (const { path, command } of all)
    for (const sub of command.commands) all.push({ path: `${path} ${sub.name()}`.trim(), command: sub });
  return all;
}

/** What the help says in words: without the usage line's command and arguments, items' terms, defaults, backticks. */
function prose(help: string, command: Command): string {
  const names = [command, ...ancestors(command)].map((c) => c.name());
  const argumentNames = command.registeredArguments.map((a) => a.name());
  return help
    .split('\n')
    .map((line) =>
      line.startsWith('用法：')
        ? line
            .split(' ')
            .filter(
              (word) => !names.includes(word) && !argumentNames.includes(word.replace(/^[<[]|(?:\.\.\.)?[>\]]$/g, '')),
            )
            .join(' ')
        : line.replace(/^ {2}\S.*?(?: {2,}|$)/, '  '),
    )
    .join('\n')
    .replace(/默认：\s*(?:"[^"]*"|\[[^\]]*\]|-?[\d.]+|true|false)(?=[）；])/g, '默认：')
    .replace(/`[^`]*`/g, ' ');
}

function ancestors(command: Command): Command[] {
  const found: Command[] = [];
  for (let parent = command.parent; parent; parent = parent.parent) found.push(parent);
  return found;
}

/**
 * The English words of each command's help, by command path: none when the whole help is Chinese. The help is
 * rendered as wide as it needs, one line per item, so that an item's term and a default value are not wrapped.
 */
function englishLeft(root: Command): Array<{ path: string; english: string[] }> {
  return everyCommand(root)
    .map(({ path, command }) => {
      command.configureOutput({ getOutHelpWidth: () => 10_000 });
      return { path, english: englishWords(prose(command.helpInformation(), command)) };
    })
    .filter(({ english }) => english.length > 0);
}

/** What has no description, by command path: the command itself, its options (by flags), its arguments (by name). */
function blanks(root: Command): Array<{ path: string; blank: string[] }> {
  return everyCommand(root)
    .map(({ path, command }) => ({
      path,
      blank: [
        ...(command.description().trim() ? [] : ['(the command)']),
        ...command.options.filter((o) => !o.description.trim()).map((o) => o.flags),
        ...command.registeredArguments.filter((a) => !a.description.trim()).map((a) => a.name()),
      ],
    }))
    .filter(({ blank }) => blank.length > 0);
}

/** Columns a terminal gives the text: CJK and full-width characters take two. */
const columns = (line: string) =>
  line.length +
  (line.match(/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]/g)?.length ?? 0);

describe('the CLI help in Chinese', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('has no English word in the help of any command', async () => {
    const root = await program('zh-CN');
    const commands = everyCommand(root);
    expect(commands.length).toBeGreaterThan(120);
    expect(englishLeft(root)).toEqual([]);
    for (const { command } of commands) {
      const help = command.helpInformation();
      expect(help).toMatch(/^用法： /);
      expect(help).not.toMatch(/\[options\]|\[command\]|Usage:|Options:|Commands:|Arguments:|default:/);
    }
    // commander's words, and what it adds to a description
    const userAdd = root.commands.find((c) => c.name() === 'user')!.commands.find((c) => c.name() === 'add')!;
    const help = userAdd.helpInformation();
    expect(help).toContain('用法： shipby user add [选项] <email>');
    expect(help).toMatch(/--account <account> +账户（默认："default"）/);
    expect(help).toMatch(/-h, --help +显示命令的帮助/);
    expect(root.helpInformation()).toMatch(/\n命令：\n/);
    expect(root.helpInformation()).toMatch(/help \[命令\] +显示命令的帮助/);
  });

  it('names the command whose new option has no Chinese', async () => {
    const root = await program('zh-CN');
    const stock = root.commands.find((c) => c.name() === 'stock')!;
    stock.commands.find((c) => c.name() === 'levels')!.option('--shelf <id>', 'only this shelf');
    expect(englishLeft(root)).toEqual([{ path: 'stock levels', english: ['only', 'this', 'shelf'] }]);
  });

  it('wraps Chinese descriptions within the terminal width, as commander wraps English', async () => {
    const root = await program('zh-CN');
    for (const { path, command } of everyCommand(root)) {
      // Like English, a description is not wrapped where the terms leave it less than commander's minimum width.
      const helper = command.createHelp();
      if (80 - helper.padWidth(command, helper) - 4 < helper.minWidthToWrap) continue;
      const wide = command
        .helpInformation()
        .split('\n')
        .filter((line) => columns(line) > 80);
      expect({ path, wide }).toEqual({ path, wide: [] });
    }
  });

  it('describes every command, option and argument', async () => {
    const root = await program('en');
    expect(everyCommand(root).length).toBeGreaterThan(120);
    expect(blanks(root)).toEqual([]);
    // what `po show --help` now says of its argument and `pack sender --help` of an option, in both languages
    const po = root.commands.find((c) => c.name() === 'po')!;
    const poShow = po.commands.find((c) => c.name() === 'show')!;
    expect(poShow.helpInformation()).toMatch(/\nArguments:\n +id +purchase order id\n/);
    const chinese = await program('zh-CN');
    const sender = chinese.commands.find((c) => c.name() === 'pack')!.commands.find((c) => c.name() === 'sender')!;
    expect(sender.helpInformation()).toMatch(/--postcode <postcode> +邮编\n/);
  });

  it('names what a new command, option or argument left without a description', async () => {
    const root = await program('en');
    const stock = root.commands.find((c) => c.name() === 'stock')!;
    stock.command('shelves').argument('[shelf]').option('--json', 'print JSON').option('--empty');
    stock.commands.find((c) => c.name() === 'levels')!.option('--shelf <id>');
    expect(blanks(root)).toEqual([
      { path: 'stock levels', blank: ['--shelf <id>'] },
      { path: 'stock shelves', blank: ['(the command)', '--empty', 'shelf'] },
    ]);
  });

  it('leaves the English help as commander writes it', async () => {
    const root = await program('en');
    for (const { command } of everyCommand(root)) {
      const help = command.helpInformation();
      expect(help).toMatch(/^Usage: /);
      expect(help).toContain('display help for command');
      expect(help).not.toMatch(/[\u2e80-\ua4cf\uff00-\uff60]/);
      const flat = help.replace(/\s+/g, ' ');
      for (const option of command.options) expect(flat).toContain(option.description.replace(/\s+/g, ' '));
    }
  });
});
