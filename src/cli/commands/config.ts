/**
 * `shipby config [--json]`: the effective configuration, every variable shipby reads (core/config.ts) with its value
 * (secrets masked) and whether it came from the environment or is the default; then any value that is not valid,
 * and any SHIPBY_ variable nothing reads (a typo, most often). Exit 1 when a value is not valid.
 */
import type { Command } from 'commander';
import { configProblems, effectiveConfig } from '../../core/config';
import { localized } from '../../core/i18n';
import { printJson, printTable, say } from '../output';

export function register(program: Command): void {
  program
    .command('config')
    .description('The effective configuration (environment variables, secrets masked) and what is wrong with it')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const { settings, unknown } = effectiveConfig(process.env);
      const problems = configProblems(process.env);
      if (options.json) {
        printJson({ settings, unknown, problems: problems.map((p) => ({ name: p.name, message: p.message })) });
      } else {
        printTable(settings, ['name', 'value', 'source', 'about']);
        for (const p of problems) console.error(say(p.message));
        if (unknown.length)
          console.error(
            say(
              localized(
                `Not a shipby setting (ignored): ${unknown.join(', ')}`,
                `不是 shipby 的设置（已忽略）：${unknown.join('、')}`,
              ),
            ),
          );
      }
      if (problems.length) process.exitCode = 1;
    });
}
