/**
 * The `shipby` program: commander with the command modules a command line needs (commands/index.ts).
 */
import { Command, CommanderError } from 'commander';
import { unexpectedError } from '../app/system-errors';
import { checkConfig, ConfigError } from '../core/config';
import { localizeCommanderErrors } from './commander-zh';
import { commandModules, type CommandModule } from './commands/index';
import { cliLocale } from './locale';

/** The first word of a command line that is not an option: the top-level command, if any. */
export function commandWord(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-'));
}

/** The modules a command line needs: the one owning its first word, or all of them (help, an unknown word). */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const word = commandWord(args);
  const owner = word === undefined ? undefined : commandModules.find((module) => module.names.includes(word));
  return owner ? [owner] : commandModules;
}

/**
 * A fresh program with the commands for `args` (the command line without `node shipby`; all when omitted).
 * `prepare` runs before the commands are added, so settings it makes (exitOverride) reach every subcommand.
 */
export async function buildProgram(args?: readonly string[], prepare?: (program: Command) => void): Promise<Command> {
  const program = new Command();
  // Positional options: after a subcommand, options are its own (`plan staffing --warehouse W` is not `plan --warehouse W`).
  program
    .name('shipby')
    .description('Ship every order before its deadline.')
    .showHelpAfterError()
    .enablePositionalOptions();
  const locale = cliLocale();
  localizeCommanderErrors(program, locale);
  prepare?.(program);
  const modules = await Promise.all((args ? modulesFor(args) : commandModules).map((module) => module.load()));
  for (const module of modules) module.register(program);
  // The help in Chinese: its tables are loaded only by a Chinese command line.
  if (locale === 'zh-CN') (await import('./help-zh')).localizeHelp(program);
  return program;
}

/**
 * Runs one command line (without `node shipby`) to its end, as `shipby` does (main.ts), and leaves its exit code in
 * process.exitCode. `prepare` as for buildProgram: a program prepared with `exitOverride` (the tests run command lines
 * in their own process) gets commander's refusals thrown instead of exiting; they are already printed, and only their
 * exit code is kept.
 */
export async function runCommandLine(args: readonly string[], prepare?: (program: Command) => void): Promise<void> {
  try {
    // Every start checks the whole configuration first (core/config.ts), except `config`, which shows what is wrong.
    if (commandWord(args) !== 'config') checkConfig(process.env);
    await (await buildProgram(args, prepare)).parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
    } else if (error instanceof ConfigError) {
      console.error(error.localizedMessage[cliLocale()]);
      process.exitCode = 2;
    } else {
      console.error(unexpectedError(error)[cliLocale()]);
      process.exitCode = process.exitCode || 1;
    }
  }
}
