import { Command } from 'commander';
import { commandModules } from './commands/index';

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
// Positional options: after a subcommand, options are its own (`plan staffing --warehouse W` is not `plan --warehouse W`).
program.name('shipby').description('Ship every order before its deadline.').showHelpAfterError().enablePositionalOptions();
for (const module of commandModules) module.register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = process.exitCode || 1;
});
