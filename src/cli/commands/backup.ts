/**
 *   shipby backup FILE     an online, consistent copy of the SQLite store (pg_dump guidance on PostgreSQL)
 *   shipby restore FILE    replace the store with a backup (refused while a server runs on it, or if the backup is unsound)
 */
import type { Command } from 'commander';
import { backupStore, restoreStore } from '../../app/backup';
import { localized } from '../../core/i18n';
import { DEFAULT_DATABASE_URL, describeUrl } from '../../store/database';
import { action, printJson, say, withApp } from '../support';

export function register(program: Command): void {
  program
    .command('backup')
    .description(
      'Copy the SQLite store to FILE while it is in use: consistent, checked (PostgreSQL: prints the pg_dump command)',
    )
    .argument('<file>', 'where to write the backup')
    .option('--json', 'machine-readable output')
    .action(
      action(async (file: string, o: { json?: boolean }) => {
        const report = await withApp((ctx) => backupStore(ctx, file));
        if (o.json) return printJson(report);
        console.log(
          say(
            localized(
              `backed up to ${report.file}: ${report.orders} orders, ${report.bytes} bytes, integrity ok`,
              `已备份到 ${report.file}：${report.orders} 个订单，${report.bytes} 字节，完整性检查通过`,
            ),
          ),
        );
      }),
    );
  program
    .command('restore')
    .description('Replace the SQLite store (DATABASE_URL) with a backup FILE; stop every server on it first')
    .argument('<file>', 'the backup to restore')
    .option('--json', 'machine-readable output')
    .action(
      action(async (file: string, o: { json?: boolean }) => {
        const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
        const report = await restoreStore(url, file);
        if (o.json) return printJson(report);
        console.log(
          say(
            localized(
              `restored ${describeUrl(url)} from ${file}: ${report.orders} orders, integrity ok. Tracking uploads declared after the backup are read back from the marketplace by the outbox, not sent again.`,
              `已从 ${file} 恢复 ${describeUrl(url)}：${report.orders} 个订单，完整性检查通过。备份之后已申报的物流单号上传会由发件箱从平台读回，不会重复发送。`,
            ),
          ),
        );
      }),
    );
}
