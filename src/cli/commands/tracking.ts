/**
 * Carrier tracking: `parcels --problem`, `tracking provider|providers|show|ingest|process|poll|sweep|unmatched` and
 * `sample-tracking` (the local sample provider). Receipts and after-sales cases are in cases.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { openCasesFromSync } from '../../app/after-sales';
import { runReceiptSweep } from '../../app/receipt';
import { ingestTrackingEvents, matchUnmatchedEvents, registerParcels } from '../../app/tracking';
import { processDeliveries } from '../../app/tracking';
import { pollDueParcels, runTrackingSweep } from '../../app/tracking';
import { listProviders, saveProvider } from '../../app/tracking';
import { getParcelTracking, listProblems, listUnmatchedEvents } from '../../app/tracking';
import { localized } from '../../core/i18n';
import { parseDuration } from '../../core/time';
import { parseAfterShipTrackings } from '../../integrations/tracking/aftership-client';
import { isProviderKind, parseSeventeenTrackResponse, parseWebhookBody } from '../../integrations/tracking/provider';
import { SampleTrackingProvider } from '../../integrations/tracking/sample-provider';
import { action, positiveInteger, printJson, printTable, readJsonFile, refuse, say, withApp } from '../support';

function hours(name: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0)
      throw new InvalidArgumentError(
        say(localized(`${name} must be a duration such as 6h or 1d`, `${name} 须为时长，如 6h 或 1d`)),
      );
    return ms / 3_600_000;
  };
}

export function register(program: Command): void {
  parcelsCommand(program);
  const tracking = program.command('tracking').description('Carrier tracking: providers, events, polling and sweeps');
  providerCommands(tracking);
  parcelEventCommands(tracking);
  trackingJobCommands(tracking);
  sampleTrackingCommand(program);
}

/** `parcels`: the parcels with an open problem, each with what to do. */
function parcelsCommand(program: Command): void {
  program
    .command('parcels')
    .description(
      'Parcels with an open problem (not online, false-shipment signs, stalled, delivery failures, returns), each with what to do',
    )
    .option(
      '--problem <kind>',
      'not_online, invalid_number, scan_before_payment, wrong_destination, false_shipment, stalled, delivery_failed, returning, returned, lost_damaged, extension_proposed, any',
      'any',
    )
    .option('--shop <shop>', 'only this shop')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { problem: string; shop?: string; limit: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const items = await listProblems(ctx, {
            kind: options.problem,
            shopIds: options.shop ? [options.shop] : undefined,
            limit: Number(options.limit),
          });
          if (options.json) return printJson(items);
          if (items.length === 0)
            return console.log(
              say(localized('no parcel has an open problem of that kind.', '没有该类型的未解决包裹问题。')),
            );
          printTable(
            items.map((i) => ({
              order: i.platform_order_id,
              parcel: i.parcel_id ?? '',
              number: i.tracking_number ?? '',
              problem: i.kind,
              level: i.level,
              status: i.tracking_status ?? '',
              what: say(i.message),
              todo: say(i.what_to_do),
            })),
            ['order', 'parcel', 'number', 'problem', 'level', 'status', 'what', 'todo'],
          );
        });
      }),
    );
}

/** `tracking provider NAME` (add or change one) and `tracking providers`. */
function providerCommands(tracking: Command): void {
  tracking
    .command('provider')
    .description('Add or change a tracking provider (webhooks at POST /tracking/webhooks/NAME)')
    .argument('<name>', 'the name in the webhook URL')
    .requiredOption('--kind <kind>', 'seventeen (17TRACK) or aftership')
    .requiredOption(
      '--secret <secret>',
      "the webhook secret: 17TRACK's security key, AfterShip's webhook secret (at least 16 characters)",
    )
    .option('--url <url>', "base URL of the provider's API (default: the provider's own; a stand-in's for tests)")
    .option(
      '--api-key <key>',
      "API key (17TRACK's 17token, AfterShip's as-api-key): numbers are registered with the provider",
    )
    .option(
      '--api-version <version>',
      '17TRACK v2.4 (default) or v2.2; AfterShip 2025-01 (default), 2024-10 or 2024-07',
    )
    .option('--poll', 'poll new parcels through this provider')
    .option(
      '--before-first-scan <duration>',
      'poll every … until the first scan (default 6h)',
      hours('--before-first-scan'),
    )
    .option('--after-first-scan <duration>', 'then every … (default 12h)', hours('--after-first-scan'))
    .option(
      '--daily-after-days <days>',
      'once a day after this many days (default 20)',
      positiveInteger('--daily-after-days'),
    )
    .option(
      '--stop-after-delivery-days <days>',
      'stop this many days after delivery (default 30)',
      positiveInteger('--stop-after-delivery-days'),
    )
    .action(
      action(
        async (
          name: string,
          options: {
            kind: string;
            secret: string;
            url?: string;
            apiKey?: string;
            apiVersion?: string;
            poll?: boolean;
            beforeFirstScan?: number;
            afterFirstScan?: number;
            dailyAfterDays?: number;
            stopAfterDeliveryDays?: number;
          },
        ) => {
          await withApp(async (ctx) => {
            const cadence = {
              ...(options.beforeFirstScan !== undefined ? { beforeFirstScanHours: options.beforeFirstScan } : {}),
              ...(options.afterFirstScan !== undefined ? { afterFirstScanHours: options.afterFirstScan } : {}),
              ...(options.dailyAfterDays !== undefined ? { dailyAfterDays: options.dailyAfterDays } : {}),
              ...(options.stopAfterDeliveryDays !== undefined
                ? { stopDaysAfterDelivery: options.stopAfterDeliveryDays }
                : {}),
            };
            const view = await saveProvider(ctx, {
              name,
              kind: options.kind,
              baseUrl: options.url ?? null,
              apiKey: options.apiKey ?? null,
              apiVersion: options.apiVersion ?? null,
              webhookSecret: options.secret,
              polls: options.poll ?? false,
              cadence: Object.keys(cadence).length ? cadence : null,
            });
            printJson(view);
          });
        },
      ),
    );
  tracking
    .command('providers')
    .description('The tracking providers (never their secrets)')
    .action(action(async () => withApp(async (ctx) => printJson(await listProviders(ctx)))));
}

/** `tracking show PARCEL` and `tracking ingest FILE`: a parcel's tracking, and events as a provider sent them. */
function parcelEventCommands(tracking: Command): void {
  tracking
    .command('show')
    .description("A parcel's tracking: status (normalised and raw), events, problems")
    .argument('<parcel>', 'parcel id', positiveInteger('parcel'))
    .option('--json', 'print JSON')
    .action(
      action(async (parcelId: number, options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const view = await getParcelTracking(ctx, parcelId);
          if (options.json) return printJson(view);
          const t = view.tracking;
          console.log(
            `parcel ${view.parcel_id} ${view.tracking_number ?? ''} · ${view.parcel_status}${t ? ` · ${t.label ? say(t.label) : t.status} (${t.raw_substatus ?? t.raw_status ?? ''})` : ''}`,
          );
          if (t)
            console.log(
              `first scan ${t.first_scan_at ?? '—'} · last event ${t.last_event_at ?? '—'} · delivered ${t.delivered_at ?? '—'} · next poll ${t.next_poll_at ?? '—'}`,
            );
          printTable(
            view.events.map((e) => ({
              at: e.at,
              status: e.status,
              raw: e.raw_substatus ?? e.raw_status ?? '',
              where: e.location ?? '',
              what: e.description ?? '',
            })),
            ['at', 'status', 'raw', 'where', 'what'],
          );
          for (const p of view.problems)
            console.log(`! ${p.kind} (${p.level}): ${say(p.message)} → ${say(p.what_to_do)}`);
        });
      }),
    );
  tracking
    .command('ingest')
    .description(
      'Ingest a saved webhook body, 17TRACK gettrackinfo answer or AfterShip trackings answer (JSON file) as if the provider had sent it',
    )
    .argument('<file>', 'JSON file')
    .requiredOption('--provider <name>', 'the provider it came from')
    .action(
      action(async (file: string, options: { provider: string }) => {
        await withApp(async (ctx) => {
          const providers = await listProviders(ctx);
          const provider = providers.find((p) => p.name === options.provider);
          if (!provider || !isProviderKind(provider.kind))
            throw refuse(
              `no tracking provider "${options.provider}" (shipby tracking provider …)`,
              `没有名为“${options.provider}”的追踪服务商（\`shipby tracking provider …\`）`,
            );
          const read = readJsonFile(file);
          const text = read.text;
          const json = read.json as { data?: { accepted?: unknown; trackings?: unknown } };
          const parsed =
            json.data && 'accepted' in json.data
              ? parseSeventeenTrackResponse(json, ctx.now())
              : json.data && 'trackings' in json.data
                ? parseAfterShipTrackings(json, [])
                : parseWebhookBody(provider.kind, text, ctx.now());
          if (parsed.setAside.length || parsed.flagged.length)
            console.error(JSON.stringify({ set_aside: parsed.setAside, flagged: parsed.flagged }));
          printJson(await ingestTrackingEvents(ctx, parsed.events, { provider: provider.name, actor: 'cli' }));
        });
      }),
    );
}

/** `tracking process|poll|sweep|unmatched`: the tracking jobs run by hand, and the events kept aside. */
function trackingJobCommands(tracking: Command): void {
  tracking
    .command('process')
    .description('Process stored webhook deliveries, match kept-aside events, register new parcels for polling')
    .action(
      action(async () => {
        await withApp(async (ctx) => {
          const processed = await processDeliveries(ctx, { limit: 10_000 });
          const matched = await matchUnmatchedEvents(ctx);
          const registered = await registerParcels(ctx);
          printJson({
            deliveries: processed.deliveries,
            failed: processed.failed,
            ingest: processed.ingest,
            matched: matched.matched,
            registered,
          });
        });
      }),
    );
  tracking
    .command('poll')
    .description('Poll the parcels that are due now')
    .action(action(async () => withApp(async (ctx) => printJson(await pollDueParcels(ctx)))));
  tracking
    .command('sweep')
    .description(
      'Raise time-based problems (not online, stalled), open cases from the sync, auto-confirm receipts, propose extensions',
    )
    .action(
      action(async () => {
        await withApp(async (ctx) => {
          printJson({
            problems: await runTrackingSweep(ctx),
            cases_from_sync: await openCasesFromSync(ctx),
            receipt: await runReceiptSweep(ctx),
          });
        });
      }),
    );
  tracking
    .command('unmatched')
    .description('Carrier events kept aside: no parcel has their number yet')
    .action(action(async () => withApp(async (ctx) => printJson(await listUnmatchedEvents(ctx)))));
}

/** `sample-tracking`: the sample tracking provider (17TRACK API v2.4) on this machine. */
function sampleTrackingCommand(program: Command): void {
  program
    .command('sample-tracking')
    .description(
      'Run the sample tracking provider (17TRACK API v2.4) on this machine, pushing webhooks signed as 17TRACK signs them',
    )
    .option('--port <port>', 'port', '4200')
    .option('--host <host>', 'address', '127.0.0.1')
    .option('--api-key <key>', 'the 17token clients must send')
    .option('--webhook <url>', 'where to push webhooks, e.g. http://127.0.0.1:3000/tracking/webhooks/sample')
    .option('--secret <secret>', 'the security key pushes are signed with (the provider secret in shipby)')
    .option(
      '--speed <factor>',
      'how many times faster than real time the histories unfold (60 = an hour a minute)',
      '60',
    )
    .option('--push-every <seconds>', 'push interval', '5')
    .option('--auto-register', 'register unknown numbers when asked about them')
    .option('--destination <country>', 'default destination country', 'ES')
    .action(
      action(
        async (options: {
          port: string;
          host: string;
          apiKey?: string;
          webhook?: string;
          secret?: string;
          speed: string;
          pushEvery: string;
          autoRegister?: boolean;
          destination: string;
        }) => {
          const provider = new SampleTrackingProvider({
            ...(options.apiKey ? { apiKey: options.apiKey } : {}),
            ...(options.webhook ? { webhookUrl: options.webhook } : {}),
            ...(options.secret ? { webhookSecret: options.secret } : {}),
            speed: Number(options.speed) > 0 ? Number(options.speed) : 60,
            autoRegister: options.autoRegister ?? false,
            defaultDestination: options.destination,
          });
          const url = await provider.listen(Number(options.port), options.host);
          console.log(
            `sample tracking provider on ${url} (17TRACK API: POST /track/v2.4/register, /track/v2.4/gettrackinfo, v2.2 alike)${options.webhook ? `; pushing to ${options.webhook} every ${options.pushEvery} s` : ''}`,
          );
          const timer =
            options.webhook && options.secret
              ? setInterval(
                  () => {
                    void provider.pushWebhooks().then((r) => {
                      if (r.sent || r.failed) console.log(`pushed ${r.sent}, failed ${r.failed}`);
                    });
                  },
                  Math.max(1, Number(options.pushEvery)) * 1000,
                )
              : undefined;
          const stop = async () => {
            if (timer) clearInterval(timer);
            await provider.close();
            process.exit(0);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        },
      ),
    );
}
