import type { Command } from 'commander';
import { importOrderFile } from '../../app/import-orders';
import { localized } from '../../core/i18n';
import { action, issueLine, printJson, say, withApp } from '../support';

export function register(program: Command): void {
  program
    .command('import')
    .description(
      'Import orders from a CSV, XLSX, JSON or NDJSON file (idempotent; a file with a bad row is refused whole)',
    )
    .argument('<file>', 'the order file')
    .requiredOption('--shop <shop>', 'the shop the orders belong to')
    .option('--skip-invalid', 'import the good orders and write the refused rows, with reasons, to a rejects file')
    .option('--rejects <file>', 'where --skip-invalid writes refused rows (default: FILE.rejects.csv)')
    .option('--json', 'print the report as JSON')
    .action(
      action(
        async (file: string, options: { shop: string; skipInvalid?: boolean; rejects?: string; json?: boolean }) => {
          const report = await withApp((ctx) =>
            importOrderFile(ctx, {
              shopId: options.shop,
              file,
              skipInvalid: options.skipInvalid,
              rejectsFile: options.rejects,
              actor: 'cli:import',
              onProgress: process.stderr.isTTY
                ? (rows) =>
                    process.stderr.write(
                      say(localized(`\r${rows.toLocaleString()} rows…`, `\r${rows.toLocaleString()} 行…`)),
                    )
                : undefined,
            }),
          );
          if (process.stderr.isTTY) process.stderr.write('\r');
          if (options.json) printJson(report);
          else {
            if (report.committed) {
              console.log(
                say(
                  localized(
                    `Imported ${file} into shop ${report.shopId}: ${report.rows} rows, ${report.orders} orders — ${report.created} new, ${report.updated} updated, ${report.unchanged} unchanged.`,
                    `已将 ${file} 导入店铺 ${report.shopId}：${report.rows} 行，${report.orders} 个订单 —— 新增 ${report.created}，更新 ${report.updated}，未变 ${report.unchanged}。`,
                  ),
                ),
              );
            } else {
              console.error(
                say(
                  localized(
                    `Refused ${file}: ${report.issueCount} problem(s) found; nothing was imported. Fix the rows below, or use --skip-invalid.`,
                    `已拒绝 ${file}：发现 ${report.issueCount} 个问题，未导入任何内容。请修正以下各行，或使用 --skip-invalid。`,
                  ),
                ),
              );
            }
            for (const issue of report.issues) console.error(issueLine(issue));
            const more = report.issueCount - report.issues.length;
            if (more > 0) console.error(say(localized(`  … ${more} more`, `  … 另有 ${more} 个`)));
            if (report.rejectsFile && report.rejectedRows) {
              console.error(
                say(
                  localized(
                    `${report.rejectedOrders} order(s) (${report.rejectedRows} rows) were skipped; see ${report.rejectsFile}.`,
                    `跳过了 ${report.rejectedOrders} 个订单（${report.rejectedRows} 行）；详见 ${report.rejectsFile}。`,
                  ),
                ),
              );
            }
          }
          if (!report.committed) process.exitCode = 1;
        },
      ),
    );
}
