/**
 * `shipby tracking-number check NUMBER [--carrier C] [--country CC] [--json] [--lang en|zh-CN]`
 *   Runs the pre-upload tracking-number checks and prints each with its result; exit code 0 = valid, 1 = refused.
 * `shipby tracking-number make SERIAL --indicator RR --country CN`
 *   Prints a UPU S10 number with its check digit (what the sample carrier issues).
 */
import type { Command } from 'commander';
import { render, type Locale } from '../../core/i18n';
import { checkTrackingNumber, TRACKING_CHECK_LABELS, type TrackingCheckResult } from '../../core/tracking/number-check';
import { makeS10 } from '../../core/tracking/s10';

const MARKS: Record<TrackingCheckResult, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

function locale(value: string | undefined): Locale {
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
    .option('--lang <locale>', 'en or zh-CN', 'en')
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
          console.log(`${report.number}  ${report.valid ? 'VALID' : 'REFUSED'}`);
          const width = Math.max(...report.checks.map((c) => render(TRACKING_CHECK_LABELS[c.id], lang).length));
          for (const check of report.checks) {
            console.log(
              `  ${MARKS[check.result]}  ${render(TRACKING_CHECK_LABELS[check.id], lang).padEnd(width)}  ${render(check.message, lang)}`,
            );
          }
          if (report.hints.length > 0) {
            console.log(`  hint: ${report.hints.map((h) => `${h.carrier} (${h.format})`).join(', ')}`);
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
      if (!/^\d{1,8}$/.test(serial)) throw new Error(`Serial must be up to 8 digits, got "${serial}".`);
      console.log(makeS10(serial.padStart(8, '0'), opts.indicator.toUpperCase(), opts.country.toUpperCase()));
    });
}
