/**
 * `--help` in Chinese (issue 17): when the CLI speaks zh-CN, each command's help says in Chinese what the English
 * help says. The descriptions stay written in English beside each `.command()`, `.option()` and `.argument()` in
 * commands/**; the tables help-zh-*.ts give each English description its Chinese, and commander's own words (Usage:,
 * Options:, "(default: …)", the help option and command) are said here. Codes, flags, command names and placeholders
 * stay as they are. Nothing of the English program changes: the Chinese is a help configuration (commander's
 * `configureHelp`) set on every command of the built program.
 *
 * A description without Chinese prints in English; test/unit/cli-help-zh.test.ts renders every command's help in
 * zh-CN and fails on it.
 */
import { type Argument, type Command, Help, type HelpConfiguration, type Option } from 'commander';
import { ORDERS_HELP_ZH } from './help-zh-orders';
import { SETUP_HELP_ZH } from './help-zh-setup';
import { WAREHOUSE_HELP_ZH } from './help-zh-warehouse';

/** English description → Chinese, for every command, option and argument, and commander's help option and command. */
const HELP_ZH: Readonly<Record<string, string>> = {
  ...SETUP_HELP_ZH,
  ...ORDERS_HELP_ZH,
  ...WAREHOUSE_HELP_ZH,
  'display help for command': '显示命令的帮助',
};

const TITLES: Readonly<Record<string, string>> = {
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Global Options:': '全局选项：',
  'Commands:': '命令：',
};

/** The labels of what commander adds after a description: "(choices: …, default: …, preset: …, env: …)". */
const EXTRAS: Readonly<Record<string, string>> = {
  choices: '可选值',
  default: '默认',
  preset: '预设值',
  env: '环境变量',
};

/** The usage line's placeholders for "any options" and "a subcommand". */
const USAGE_WORDS: Readonly<Record<string, string>> = { '[options]': '[选项]', '[command]': '[命令]' };

/** A usage line or a subcommand's term (`serve [options]`) with "[options]" and "[command]" in Chinese. */
const placeholdersInChinese = (usage: string): string =>
  usage
    .split(' ')
    .map((word) => USAGE_WORDS[word] ?? word)
    .join(' ');

const chinese = (english: string): string => HELP_ZH[english] ?? english;

/**
 * `full` is commander's description: `english` and, when commander adds any, " (default: "3000")" and the like;
 * the Chinese description with those additions, their labels in Chinese.
 */
function withExtras(full: string, english: string): string {
  const extras = full.slice(english.length).trim();
  if (!extras) return chinese(english);
  const said = extras
    .slice(1, -1)
    .replace(/\b(choices|default|preset|env): /g, (_, label: string) => `${EXTRAS[label]}：`);
  return `${chinese(english)}（${said}）`;
}

/** Characters a terminal shows two columns wide (CJK, full-width forms): commander counts every character as one. */
const WIDE =
  '\\u1100-\\u115f\\u2e80-\\ua4cf\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6';
const WIDE_CHARS = new RegExp(`[${WIDE}]`, 'g');

/**
 * The pieces a line may break between: one wide character, or a run of other characters (an English word, a code, a
 * flag, with any placeholder such as `<时间戳>` in it); opening brackets and quotes stay with what follows them,
 * closing punctuation with what precedes it.
 */
const BREAKABLE = new RegExp(
  `\\s*[（「『“《]*(?:[${WIDE}]|(?:<[^<>\\s]*>|[^\\s${WIDE}])+)[，。；：、）」』”》！？…]*`,
  'g',
);

const CHINESE_HELP: HelpConfiguration = {
  styleTitle: (title) => TITLES[title] ?? title,
  styleUsage: (usage) => placeholdersInChinese(usage),
  styleSubcommandTerm: (term) => placeholdersInChinese(term),
  commandDescription: (command: Command) => chinese(command.description()),
  subcommandDescription: (command: Command) => chinese(command.summary() || command.description()),
  optionDescription(this: Help, option: Option) {
    return withExtras(Help.prototype.optionDescription.call(this, option), option.description);
  },
  argumentDescription(this: Help, argument: Argument) {
    return withExtras(Help.prototype.argumentDescription.call(this, argument), argument.description);
  },
  displayWidth(this: Help, text: string) {
    return Help.prototype.displayWidth.call(this, text) + (text.match(WIDE_CHARS)?.length ?? 0);
  },
  /** Commander's wrapping (at spaces), able to break Chinese between characters, where it has no spaces. */
  boxWrap(this: Help, text: string, width: number) {
    if (width < this.minWidthToWrap) return text;
    const wrapLine = (line: string): string => {
      const lines: string[] = [];
      let current = '';
      let used = 0;
      for (const piece of line.match(BREAKABLE) ?? []) {
        const pieceWidth = this.displayWidth(piece);
        if (current && used + pieceWidth > width) {
          lines.push(current);
          current = piece.trimStart();
          used = this.displayWidth(current);
        } else {
          current += piece;
          used += pieceWidth;
        }
      }
      lines.push(current);
      return lines.join('\n');
    };
    return text
      .split(/\r\n|\n/)
      .map(wrapLine)
      .join('\n');
  },
};

/** Every command of `program` (itself included) shows its help in Chinese. Call once the commands are registered. */
export function localizeHelp(program: Command): void {
  const commands = [program];
  for (const command of commands) {
    command.configureHelp(CHINESE_HELP);
    commands.push(...command.commands);
  }
}
