/**
 * Tracking to receipt: `parcels --problem`, `tracking provider|providers|show|ingest|process|poll|sweep|unmatched`,
 * `sample-tracking` (the local sample provider), `receipt show|promised-days|extend`, and after-sales
 * `case open|list|show|respond|escalate|resolve|withdraw|evidence|rate`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { openCase, openCasesFromSync, stepCase } from '../../app/after-sales';
import { addPhotoEvidence } from '../../app/after-sales-evidence';
import { getCase, inrRate, listCases, type CaseView } from '../../app/after-sales-views';
import { contextAt } from '../../app/as-of';
import { resolveOrder } from '../../app/orders';
import { receiptOf, recordAcceptanceExtension, runReceiptSweep, setPromisedDeliveryDays } from '../../app/receipt';
import { ingestTrackingEvents, matchUnmatchedEvents, registerParcels } from '../../app/tracking';
import { processDeliveries } from '../../app/tracking';
import { pollDueParcels, runTrackingSweep } from '../../app/tracking';
import { listProviders, saveProvider } from '../../app/tracking';
import { getParcelTracking, listProblems, listUnmatchedEvents } from '../../app/tracking';
import { localized } from '../../core/i18n';
import { parseMajorAmount } from '../../core/money';
import { parseDuration } from '../../core/time';
import { parseAfterShipTrackings } from '../../integrations/tracking/aftership-client';
import { isProviderKind, parseSeventeenTrackResponse, parseWebhookBody } from '../../integrations/tracking/provider';
import { SampleTrackingProvider } from '../../integrations/tracking/sample-provider';
import { action, atOption, cliLocale, countdown, printJson, printTable, say, withApp } from '../support';

function positiveInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1`);
    return parsed;
  };
}

function hours(name: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`${name} must be a duration such as 6h or 1d`);
    return ms / 3_600_000;
  };
}

function printCase(found: CaseView): void {
  const locale = cliLocale();
  console.log(`case ${found.id} · ${found.label[locale]} · ${found.state}${found.overdue ? ' · OVERDUE' : ''}`);
  console.log(
    `order ${found.platform_order_id} (${found.order_id}), opened ${found.opened_at} (${found.source}), answer by ${found.respond_by}`,
  );
  console.log(`reason: ${found.reason}`);
  if (found.outcome)
    console.log(
      `outcome: ${found.outcome}${found.refunded ? `, refunded ${found.refunded.amount} (${found.refunded.currency} minor units)` : ''}`,
    );
  for (const e of found.evidence) {
    const what =
      e.kind === 'tracking_snapshot'
        ? `${(e.content as { parcels: unknown[] }).parcels.length} parcel(s)`
        : (e.file_path ?? String(e.content));
    console.log(`  evidence ${e.id} ${e.kind}: ${what} (${e.added_at}, ${e.added_by})`);
  }
}

export function register(program: Command): void {
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

  const tracking = program.command('tracking').description('Carrier tracking: providers, events, polling and sweeps');
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
            throw new Error(`no tracking provider "${options.provider}" (shipby tracking provider …)`);
          const text = fs.readFileSync(file, 'utf8');
          const json = JSON.parse(text) as { data?: { accepted?: unknown; trackings?: unknown } };
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

  const receipt = program
    .command('receipt')
    .description("Receipt confirmation: when an order confirms itself, the buyer's acceptance time");
  receipt
    .command('show')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--at <time>', 'as of this time (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (reference: string, options: { shop?: string; at?: string; json?: boolean }) => {
        const at = atOption(options.at);
        await withApp(async (ctx) => {
          const order = await resolveOrder(ctx, reference, options.shop);
          const view = await receiptOf(contextAt(ctx, at), order.id);
          if (options.json) return printJson(view);
          console.log(
            `${order.platform_order_id} · ${view.status}${view.receipt_confirmed_at ? ` · confirmed ${view.receipt_confirmed_at}` : ''}`,
          );
          console.log(
            view.auto_confirm_at
              ? `${say(localized('confirms itself at', '自动确认收货时间'))} ${view.auto_confirm_at}: ${view.explanation ? say(view.explanation) : ''}`
              : say(localized('not shipped yet: no receipt clock.', '尚未发货：无确认收货计时。')),
          );
          if (view.time_left_ms !== null)
            console.log(
              say(
                localized(
                  `${countdown(view.time_left_ms)} left at ${view.as_of}`,
                  `截至 ${view.as_of} 剩余 ${countdown(view.time_left_ms)}`,
                ),
              ),
            );
          if (view.open_cases)
            console.log(
              say(
                localized(
                  `${view.open_cases} open case(s): no automatic confirmation while a case is open.`,
                  `有 ${view.open_cases} 个未结纠纷：纠纷期间不会自动确认收货。`,
                ),
              ),
            );
        });
      }),
    );
  receipt
    .command('promised-days')
    .description("Set the order's promised delivery days (freight_commit_day)")
    .argument('<order>', 'shipby id or platform order id')
    .argument('<days>', 'days', positiveInteger('days'))
    .option('--shop <shop>', 'the shop')
    .action(
      action(async (reference: string, days: number, options: { shop?: string }) => {
        await withApp(async (ctx) =>
          printJson(
            await setPromisedDeliveryDays(ctx, (await resolveOrder(ctx, reference, options.shop)).id, days, 'cli'),
          ),
        );
      }),
    );
  receipt
    .command('extend')
    .description("Record an extension of the buyer's acceptance time agreed on the platform")
    .argument('<order>', 'shipby id or platform order id')
    .argument('<days>', 'days', positiveInteger('days'))
    .option('--shop <shop>', 'the shop')
    .option('--note <text>', 'why')
    .action(
      action(async (reference: string, days: number, options: { shop?: string; note?: string }) => {
        await withApp(async (ctx) =>
          printJson(
            await recordAcceptanceExtension(
              ctx,
              (await resolveOrder(ctx, reference, options.shop)).id,
              days,
              'cli',
              options.note,
            ),
          ),
        );
      }),
    );

  const cases = program
    .command('case')
    .description('After-sales cases: not received, not as described, return requested, refund');
  cases
    .command('open')
    .argument('<order>', 'shipby id or platform order id')
    .requiredOption('--kind <kind>', 'not_received, not_as_described, return_requested, refund')
    .requiredOption('--reason <text>', "the buyer's reason")
    .option('--shop <shop>', 'the shop')
    .option('--platform-case <id>', "the platform's case id")
    .action(
      action(
        async (reference: string, options: { kind: string; reason: string; shop?: string; platformCase?: string }) => {
          await withApp(async (ctx) =>
            printCase(
              await openCase(
                ctx,
                {
                  orderId: (await resolveOrder(ctx, reference, options.shop)).id,
                  kind: options.kind,
                  reason: options.reason,
                  ...(options.platformCase ? { platformCaseId: options.platformCase } : {}),
                },
                'cli',
              ),
            ),
          );
        },
      ),
    );
  cases
    .command('list')
    .option('--shop <shop>', 'only this shop')
    .option('--state <state>', 'open, closed or all', 'open')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; state: 'open' | 'closed' | 'all'; json?: boolean }) => {
        await withApp(async (ctx) => {
          const items = await listCases(ctx, {
            shopIds: options.shop ? [options.shop] : undefined,
            state: options.state,
          });
          if (options.json) return printJson(items);
          printTable(
            items.map((c) => ({
              id: c.id,
              order: c.platform_order_id,
              kind: say(c.label),
              state: c.state,
              answer_by: c.respond_by,
              overdue: c.overdue ? '!' : '',
              outcome: c.outcome ?? '',
            })),
            ['id', 'order', 'kind', 'state', 'answer_by', 'overdue', 'outcome'],
          );
        });
      }),
    );
  cases
    .command('show')
    .argument('<case>', 'case id', positiveInteger('case'))
    .option('--json', 'print JSON')
    .action(
      action(async (caseId: number, options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const found = await getCase(ctx, caseId);
          if (options.json) return printJson(found);
          printCase(found);
        });
      }),
    );
  for (const [name, describe] of [
    ['respond', 'Answer the buyer (the note is kept as evidence)'],
    ['escalate', 'The platform arbitrates'],
    ['withdraw', 'The buyer withdrew the case'],
  ] as const) {
    cases
      .command(name)
      .description(describe)
      .argument('<case>', 'case id', positiveInteger('case'))
      .option('--note <text>', 'what was said or done')
      .action(
        action(async (caseId: number, options: { note?: string }) => {
          await withApp(async (ctx) =>
            printCase(
              await stepCase(ctx, caseId, { action: name, ...(options.note ? { note: options.note } : {}) }, 'cli'),
            ),
          );
        }),
      );
  }
  cases
    .command('resolve')
    .description('Close the case with its outcome and the amount refunded')
    .argument('<case>', 'case id', positiveInteger('case'))
    .requiredOption('--outcome <outcome>', 'no_refund, partial_refund, full_refund, reshipped, returned_and_refunded')
    .option('--refunded <amount>', 'amount refunded in the order currency, e.g. 12.50', '0')
    .option('--note <text>', 'what was agreed')
    .action(
      action(async (caseId: number, options: { outcome: string; refunded: string; note?: string }) => {
        await withApp(async (ctx) => {
          const current = await getCase(ctx, caseId);
          const currency = (await resolveOrder(ctx, String(current.order_id))).currency;
          const amount = parseMajorAmount(options.refunded, currency);
          if (amount === undefined) throw new Error(`--refunded ${options.refunded} is not an amount in ${currency}`);
          printCase(
            await stepCase(
              ctx,
              caseId,
              {
                action: 'resolve',
                outcome: options.outcome,
                refundedAmount: amount,
                ...(options.note ? { note: options.note } : {}),
              },
              'cli',
            ),
          );
        });
      }),
    );
  cases
    .command('evidence')
    .description('Add a photo (jpg, png, webp, gif, heic) or PDF; stored under SHIPBY_DATA_DIR (default ./data)')
    .argument('<case>', 'case id', positiveInteger('case'))
    .argument('<file>', 'the file')
    .action(
      action(async (caseId: number, file: string) => {
        await withApp(async (ctx) =>
          printCase(
            await addPhotoEvidence(ctx, caseId, { name: path.basename(file), content: fs.readFileSync(file) }, 'cli'),
          ),
        );
      }),
    );
  cases
    .command('rate')
    .description('The item-not-received dispute rate of a shop')
    .requiredOption('--shop <shop>', 'the shop')
    .option('--days <days>', 'window', positiveInteger('days'), 30)
    .action(
      action(async (options: { shop: string; days: number }) =>
        withApp(async (ctx) => printJson(await inrRate(ctx, options.shop, options.days))),
      ),
    );
}
