/**
 * `shipby tracking-number check NUMBER [--carrier C] [--country CC] [--json] [--lang en|zh-CN]`
 *   Runs the pre-upload tracking-number checks and prints each with its result; exit code 0 = valid, 1 = refused.
 * `shipby tracking-number make SERIAL --indicator RR --country CN`
 *   Prints a UPU S10 number with its check digit (what the sample carrier issues).
 */
import type { Command } from 'commander';
import { localized, render, type Locale, type Localized } from '../../core/i18n';
import { cliLocale } from '../locale';
import { checkTrackingNumber, TRACKING_CHECK_LABELS, type TrackingCheckResult } from '../../core/tracking/number-check';
import { makeS10 } from '../../core/tracking/s10';

const MARKS: Record<TrackingCheckResult, Localized> = {
  pass: localized('PASS', '通过'),
  warn: localized('WARN', '警告'),
  fail: localized('FAIL', '失败'),
  skip: localized('skip', '跳过'),
};

/** `--lang` when given, else the CLI's language (SHIPBY_LANG, the system's). */
function locale(value: string | undefined): Locale {
  if (value === undefined) return cliLocale();
  return value === 'zh-CN' || value === 'zh' ? 'zh-CN' : 'en';
}

export function register(program: Command): void {
  const command = program.command('tracking-number').description('Check or issue tracking numbers');

  command
    .command('check')
    .description('Check a tracking number before uploading it (exit 0 = valid, 1 = refused)')
    .argument('<number>', 'the tracking number')
    .option('--carrier <carrier>', 'declared carrier, e.g. cainiao, china-post, ems, yunexpress, 4px, yanwen, ups, dhl')
    .option('--country <cc>', "order's destination country (ISO 3166-1 alpha-2)")
    .option(
      '--confirm-unrecognised <reason>',
      'accept a number in no known format with no carrier declared, for this reason (as `ship` does)',
    )
    .option('--json', 'print the full report as JSON')
    .option('--lang <locale>', "en or zh-CN (default: the CLI's language)")
    .action(
      (
        number: string,
        opts: { carrier?: string; country?: string; confirmUnrecognised?: string; json?: boolean; lang?: string },
      ) => {
        const report = checkTrackingNumber(number, {
          ...(opts.carrier !== undefined ? { carrier: opts.carrier } : {}),
          ...(opts.confirmUnrecognised !== undefined
            ? { confirmUnrecognised: { reason: opts.confirmUnrecognised } }
            : {}),
          ...(opts.country !== undefined ? { country: opts.country.toUpperCase() } : {}),
        });
        if (opts.json) {
          console.log(JSON.stringify(report, null, 2));
        } else {
          const lang = locale(opts.lang);
          const verdict = report.valid ? localized('VALID', '有效') : localized('REFUSED', '拒绝');
          console.log(`${report.number}  ${render(verdict, lang)}`);
          const width = Math.max(...report.checks.map((c) => render(TRACKING_CHECK_LABELS[c.id], lang).length));
          for (const check of report.checks) {
            console.log(
              `  ${render(MARKS[check.result], lang)}  ${render(TRACKING_CHECK_LABELS[check.id], lang).padEnd(width)}  ${render(check.message, lang)}`,
            );
          }
          if (report.hints.length > 0) {
            console.log(
              `  ${render(localized('hint', '提示'), lang)}: ${report.hints.map((h) => `${h.carrier} (${h.format})`).join(', ')}`,
            );
          }
          console.log(render(report.summary, lang));
        }
        process.exitCode = report.valid ? 0 : 1;
      },
    );

  command
    .command('make')
    .description('Issue a UPU S10 number: indicator + 8-digit serial + check digit + country')
    .argument('<serial>', '8-digit serial (shorter numbers are zero-padded)')
    .requiredOption('--indicator <xx>', 'two-letter service indicator, e.g. RR, LX, EA')
    .requiredOption('--country <cc>', 'issuing country, e.g. CN')
    .action((serial: string, opts: { indicator: string; country: string }) => {
      if (!/^\d{1,8}$/.test(serial))
        throw new Error(
          render(
            localized(`Serial must be up to 8 digits, got "${serial}".`, `序号须为最多 8 位数字，而不是“${serial}”。`),
            cliLocale(),
          ),
        );
      console.log(makeS10(serial.padStart(8, '0'), opts.indicator.toUpperCase(), opts.country.toUpperCase()));
    });
}
