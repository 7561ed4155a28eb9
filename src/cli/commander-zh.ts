/**
 * Commander's own refusals (a missing required option, an unknown option or command, an argument too many, a value
 * its parser refused) in Chinese when the CLI speaks Chinese: commander writes them in English, from a fixed set of
 * sentences (commander 14, lib/command.js), so each is matched and said again; a sentence not known stays as it is.
 * After the refusal, the Chinese CLI points to `--help` (in Chinese too: help-zh.ts) instead of printing the whole help.
 */
import type { Command } from 'commander';
import type { Locale } from '../core/i18n';

type Saying = [RegExp, (...parts: string[]) => string];

const didYouMean = (suggestion: string | undefined) =>
  suggestion ? `\n（是否想用 ${suggestion.replace(/^one of /, '以下之一：')}？）` : '';

const SAYINGS: Saying[] = [
  [/^error: required option '(.+)' not specified$/s, (option) => `错误：缺少必需的选项 ${option}`],
  [/^error: option '(.+)' argument missing$/s, (option) => `错误：选项 ${option} 缺少值`],
  [/^error: missing required argument '(.+)'$/s, (argument) => `错误：缺少必需的参数 ${argument}`],
  [
    /^error: unknown option '(.+?)'(?:\n\(Did you mean (.+)\?\))?$/s,
    (option, suggestion) => `错误：未知的选项 ${option}${didYouMean(suggestion)}`,
  ],
  [
    /^error: unknown command '(.+?)'(?:\n\(Did you mean (.+)\?\))?$/s,
    (command, suggestion) => `错误：未知的命令 ${command}${didYouMean(suggestion)}`,
  ],
  [
    /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/s,
    (command, expected, got) => `错误：${command ? `${command} 的` : ''}参数过多：应为 ${expected} 个，实际 ${got} 个`,
  ],
  [
    /^error: option '(.+?)' argument '(.*?)' is invalid\.(?: (.*))?$/s,
    (option, value, why) => `错误：选项 ${option} 的值“${value}”无效${why ? `。${why}` : ''}`,
  ],
  [
    /^error: command-argument value '(.*?)' is invalid for argument '(.+?)'\.(?: (.*))?$/s,
    (value, argument, why) => `错误：参数 ${argument} 的值“${value}”无效${why ? `。${why}` : ''}`,
  ],
  [
    /^error: (?:option|environment variable) '(.+?)' cannot be used with (?:option|environment variable) '(.+?)'$/s,
    (one, other) => `错误：${one} 不能与 ${other} 同时使用`,
  ],
];

/** One of commander's refusals in Chinese; a sentence it does not know comes back unchanged. */
export function commanderErrorInChinese(text: string): string {
  const end = text.endsWith('\n') ? '\n' : '';
  const message = end ? text.slice(0, -1) : text;
  for (const [pattern, say] of SAYINGS) {
    const match = pattern.exec(message);
    if (match) return say(...match.slice(1).map((part) => part ?? '')) + end;
  }
  return text;
}

/** Commander's refusals in the CLI's language (settings the subcommands inherit: call before adding them). */
export function localizeCommanderErrors(program: Command, locale: Locale): void {
  if (locale !== 'zh-CN') return;
  program
    .configureOutput({ outputError: (text, write) => write(commanderErrorInChinese(text)) })
    .showHelpAfterError('（加 --help 查看用法）');
}
