import { unexpectedError } from '../app/system-errors';
import { checkConfig, ConfigError } from '../core/config';
import { cliLocale } from './locale';
import { buildProgram, commandWord } from './program';

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const args = process.argv.slice(2);
try {
  // Every start checks the whole configuration first (core/config.ts), except `config`, which shows what is wrong.
  if (commandWord(args) !== 'config') checkConfig(process.env);
  await (await buildProgram(args)).parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.localizedMessage[cliLocale()]);
    process.exitCode = 2;
  } else {
    console.error(unexpectedError(error)[cliLocale()]);
    process.exitCode = process.exitCode || 1;
  }
}
