/**
 * Pack commands:
 *   shipby pack ORDER [--replan]                    choose boxes and create the parcels (says when it splits)
 *   shipby pack box SHOP CODE --inner LxWxH --max-weight G --tare G --cost 1.50 --currency CNY [--outer LxWxH]
 *   shipby pack boxes SHOP
 *   shipby pack sku-dims SKU --dims LxWxH --weight G [--barcode EAN] [--batteries none|contained|standalone] [--liquids]
 *   shipby pack sender SHOP --name … --line1 … --city … --country CN [--postcode …] [--phone …]
 *   shipby pack note ORDER TEXT                     the buyer's note (printed on the packing slip)
 *   shipby pack slip ORDER [--size A6|A4] -o FILE   the packing slip PDF
 *   shipby pack sessions [--open]                   pack sessions (open = orders being packed now)
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { packingSlipPdf } from '../../app/label-printing';
import { packOrder } from '../../app/pack';
import { listPackSessions } from '../../app/pack-sessions';
import { defineBox, listBoxes, presentBox, setBuyerNote, setSender, setSkuDimensions } from '../../app/packing-catalog';
import { resolveOrder } from '../../app/orders';
import { formatMoney, minorDigits, parseMajorAmount } from '../../core/money';
import { localized } from '../../core/i18n';
import { action, printJson, printTable, refuse, say, withApp } from '../support';

function mm(text: string, option: string): [number, number, number] {
  const parts = text
    .toLowerCase()
    .split(/[x×*,]/)
    .map((p) => p.trim());
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p)))
    throw refuse(
      `${option} must be LxWxH in whole millimetres, e.g. 200x150x100, not "${text}"`,
      `${option} 须为 长x宽x高（整毫米），如 \`200x150x100\`，而不是“${text}”`,
    );
  return parts.map(Number) as [number, number, number];
}

function grams(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw refuse(`${option} must be whole grams, not "${text}"`, `${option} 须为整克数，而不是“${text}”`);
  return Number(text);
}

export function register(program: Command): void {
  const pack = program
    .command('pack')
    .description('Pack orders: boxes, SKU sizes, the sender address, packing plans and slips')
    .argument('[order]', 'order to pack (shipby id or platform order id)')
    .option('--shop <shop>', 'when the platform order id is in several shops')
    .option('--replan', 'void the planned (unpacked) parcels and plan again')
    .option('--json', 'print JSON')
    .action(
      action(async (order: string | undefined, options: { shop?: string; replan?: boolean; json?: boolean }) => {
        if (!order) {
          pack.help();
          return;
        }
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, order, options.shop);
          const outcome = await packOrder(ctx, found.id, 'cli', { replan: options.replan === true });
          if (options.json) return printJson(outcome);
          console.log(say(outcome.message));
          printTable(
            outcome.parcels.map((p) => ({
              parcel: p.parcelId,
              n: `${p.position}/${p.of}`,
              status: p.status,
              box: p.box,
              contents: p.contents.map((c) => `${c.sku}×${c.quantity}`).join(' '),
              expected_g: p.expectedGrossG,
              outer_mm: p.outerMm.join('x'),
            })),
            ['parcel', 'n', 'status', 'box', 'contents', 'expected_g', 'outer_mm'],
          );
        });
      }),
    );

  boxCommand(pack);
  boxesCommand(pack);
  skuDimsCommand(pack);
  senderCommand(pack);
  noteCommand(pack);
  slipCommand(pack);
  sessionsCommand(pack);
}

/** `pack box SHOP CODE`: add or change a box of the shop's catalogue. */
function boxCommand(pack: Command): void {
  pack
    .command('box')
    .description("Add or change a box of a shop's catalogue")
    .argument('<shop>', 'the shop')
    .argument('<code>', 'box code')
    .requiredOption('--inner <LxWxH>', 'inner size in mm')
    .option('--outer <LxWxH>', 'outer size in mm (default: the inner size)')
    .requiredOption('--max-weight <g>', 'max gross weight in grams')
    .requiredOption('--tare <g>', 'empty box weight in grams')
    .requiredOption('--cost <amount>', 'cost of one box, e.g. 1.50')
    .requiredOption('--currency <code>', 'ISO 4217, e.g. CNY')
    .option('--inactive', 'keep it, but do not offer it')
    .action(
      action(
        async (
          shop: string,
          code: string,
          o: {
            inner: string;
            outer?: string;
            maxWeight: string;
            tare: string;
            cost: string;
            currency: string;
            inactive?: boolean;
          },
        ) => {
          const currency = o.currency.toUpperCase();
          const cost = parseMajorAmount(o.cost, currency);
          if (cost === undefined)
            throw refuse(
              `--cost must be an amount with at most ${minorDigits(currency)} decimals, not "${o.cost}"`,
              `--cost 须为最多 ${minorDigits(currency)} 位小数的金额，而不是“${o.cost}”`,
            );
          await withApp(async (ctx) => {
            const row = await defineBox(ctx, shop, {
              code,
              innerMm: mm(o.inner, '--inner'),
              outerMm: o.outer ? mm(o.outer, '--outer') : null,
              maxWeightG: grams(o.maxWeight, '--max-weight'),
              tareG: grams(o.tare, '--tare'),
              cost,
              currency,
              active: !o.inactive,
            });
            printJson(presentBox(row));
          });
        },
      ),
    );
}

/** `pack boxes SHOP`: the shop's boxes. */
function boxesCommand(pack: Command): void {
  pack
    .command('boxes')
    .description("A shop's boxes, cheapest first")
    .argument('<shop>', 'the shop')
    .action(
      action(async (shop: string) => {
        await withApp(async (ctx) => {
          printTable(
            (await listBoxes(ctx, shop)).map((b) => ({
              code: b.code,
              inner_mm: `${b.inner_length_mm}x${b.inner_width_mm}x${b.inner_height_mm}`,
              max_g: b.max_weight_g,
              tare_g: b.tare_g,
              cost: formatMoney({ amount: b.cost, currency: b.currency }),
              active: b.active ? 'yes' : 'no',
            })),
            ['code', 'inner_mm', 'max_g', 'tare_g', 'cost', 'active'],
          );
        });
      }),
    );
}

/** `pack sku-dims SKU`: a seller SKU's unit size, weight, barcode, batteries and liquids. */
function skuDimsCommand(pack: Command): void {
  pack
    .command('sku-dims')
    .description("Set a seller SKU's unit size, weight and item barcode")
    .argument('<sku>', 'seller SKU')
    .requiredOption('--dims <LxWxH>', 'size in mm')
    .requiredOption('--weight <g>', 'weight in grams')
    .option('--barcode <code>', "the item's own barcode (EAN/UPC); the SKU is always accepted too")
    .option('--batteries <kind>', 'none | contained | standalone', 'none')
    .option('--liquids', 'contains liquids')
    .action(
      action(
        async (
          sku: string,
          o: { dims: string; weight: string; barcode?: string; batteries: string; liquids?: boolean },
        ) => {
          await withApp(async (ctx) => {
            await setSkuDimensions(ctx, [
              {
                sku,
                dimsMm: mm(o.dims, '--dims'),
                weightG: grams(o.weight, '--weight'),
                barcode: o.barcode ?? null,
                batteries: o.batteries,
                liquids: o.liquids === true,
              },
            ]);
            console.log(
              say(
                localized(
                  `${sku}: ${o.dims} mm, ${o.weight} g${o.barcode ? `, barcode ${o.barcode}` : ''}`,
                  `${sku}：${o.dims} 毫米，${o.weight} 克${o.barcode ? `，条码 ${o.barcode}` : ''}`,
                ),
              ),
            );
          });
        },
      ),
    );
}

/** `pack sender SHOP`: the shop's sender (return) address. */
function senderCommand(pack: Command): void {
  pack
    .command('sender')
    .description("The shop's sender (return) address printed on its labels")
    .argument('<shop>', 'the shop')
    .requiredOption('--name <name>', "the sender's name")
    .requiredOption('--line1 <address>', 'address line 1')
    .option('--line2 <address>', 'address line 2')
    .requiredOption('--city <city>', 'city')
    .option('--postcode <postcode>', 'postcode')
    .requiredOption('--country <cc>', 'country (ISO 3166 alpha-2, e.g. CN)')
    .option('--phone <phone>', 'phone')
    .action(
      action(
        async (
          shop: string,
          o: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postcode?: string;
            country: string;
            phone?: string;
          },
        ) => {
          await withApp(async (ctx) => {
            const row = await setSender(ctx, shop, {
              name: o.name,
              addressLine1: o.line1,
              addressLine2: o.line2 ?? null,
              city: o.city,
              postcode: o.postcode ?? null,
              country: o.country,
              phone: o.phone ?? null,
            });
            console.log(
              `${row.shop_id}: ${row.name}, ${row.address_line1}, ${row.city} ${row.postcode ?? ''} ${row.country}`,
            );
          });
        },
      ),
    );
}

/** `pack note ORDER TEXT`: the buyer's note. */
function noteCommand(pack: Command): void {
  pack
    .command('note')
    .description("Set the buyer's note printed on the packing slip (empty text removes it)")
    .argument('<order>', 'shipby id or platform order id')
    .argument('<text>', "the buyer's note")
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .action(
      action(async (order: string, text: string, o: { shop?: string }) => {
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, order, o.shop);
          await setBuyerNote(ctx, found.id, text);
          console.log(
            say(
              text.trim()
                ? localized(`order ${found.platform_order_id}: note set`, `订单 ${found.platform_order_id}：备注已设置`)
                : localized(
                    `order ${found.platform_order_id}: note removed`,
                    `订单 ${found.platform_order_id}：备注已删除`,
                  ),
            ),
          );
        });
      }),
    );
}

/** `pack slip ORDER`: the packing slip PDF. */
function slipCommand(pack: Command): void {
  pack
    .command('slip')
    .description('Write the packing slip PDF of an order')
    .argument('<order>', 'shipby id or platform order id')
    .option('--size <size>', 'A6 or A4', 'A6')
    .requiredOption('-o, --output <file>', 'the PDF to write')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .action(
      action(async (order: string, o: { size: string; output: string; shop?: string }) => {
        const size = o.size.toUpperCase();
        if (size !== 'A6' && size !== 'A4') throw refuse('--size must be A6 or A4', '--size 须为 A6 或 A4');
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, order, o.shop);
          fs.writeFileSync(o.output, await packingSlipPdf(ctx, found.id, size));
          console.log(
            say(
              localized(
                `packing slip of ${found.platform_order_id} (${size}) → ${o.output}`,
                `${found.platform_order_id} 的装箱单（${size}）→ ${o.output}`,
              ),
            ),
          );
        });
      }),
    );
}

/** `pack sessions`: the pack sessions (open: the orders being packed now). */
function sessionsCommand(pack: Command): void {
  pack
    .command('sessions')
    .description('Pack sessions, newest first (--open: the orders being packed now)')
    .option('--open', 'only the orders being packed now')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { open?: boolean; json?: boolean }) => {
        await withApp(async (ctx) => {
          const sessions = await listPackSessions(ctx, { open: o.open === true });
          if (o.json) return printJson(sessions);
          printTable(
            sessions.map((s) => ({
              id: s.id,
              order: s.platformOrderId,
              status: s.status,
              station: s.station,
              parcel: s.current ? `${s.current.position}/${s.current.of}` : '',
              started: s.startedAt,
            })),
            ['id', 'order', 'status', 'station', 'parcel', 'started'],
          );
        });
      }),
    );
}
