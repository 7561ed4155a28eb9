import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exampleOrdersCsv } from '../../core/example-orders';
import { localized } from '../../core/i18n';
import { action, atOption, say } from '../support';

export function register(program: Command): void {
  program
    .command('example-orders')
    .description(
      'Write sample orders dated relative to now (open, one due within hours, one in the risk check, semi-managed JIT and self-send) as an order file to import',
    )
    .option('--out <file>', 'where to write the CSV (default: standard output)')
    .option('--at <time>', 'relative to this time instead of now (ISO 8601 with Z or an offset)')
    .action(
      action(async (options: { out?: string; at?: string }) => {
        const csv = exampleOrdersCsv(atOption(options.at) ?? Date.now());
        if (!options.out) {
          process.stdout.write(csv);
          return;
        }
        fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
        fs.writeFileSync(options.out, csv);
        console.error(say(localized(`Wrote sample orders to ${options.out}.`, `已将示例订单写入 ${options.out}。`)));
      }),
    );
}
