/**
 * The catalogue under `stock`: `stock warehouse add|list`, `stock sku add|list`, `stock map` (a marketplace SKU to
 * seller SKUs) and `stock mappings`. Registered under `stock` by ../stock.ts.
 */
import type { Command } from 'commander';
import { defineSku, defineWarehouse, listMappings, listSkus, listWarehouses, mapPlatformSku } from '../../../app/stock';
import { localized } from '../../../core/i18n';
import { WAREHOUSE_KINDS } from '../../../core/inventory';
import { toIso } from '../../../core/time';
import { action, minute, pairs, printJson, printTable, say, whole, withApp } from '../../support';

export function registerCatalogueCommands(stock: Command): void {
  warehouseCommands(stock);
  skuCommands(stock);
  mappingCommands(stock);
}

/** `stock warehouse add|list` */
function warehouseCommands(stock: Command): void {
  const warehouse = stock.command('warehouse').description('Warehouses');
  warehouse
    .command('add')
    .description('Add or update a warehouse')
    .argument('<id>', 'warehouse id')
    .requiredOption('--kind <kind>', WAREHOUSE_KINDS.join(' | '))
    .requiredOption('--zone <zone>', 'IANA time zone, e.g. Asia/Shanghai')
    .requiredOption('--cutoff <HH:MM>', 'daily cut-off in that zone')
    .option('--name <name>', 'display name')
    .option('--country <CC>', 'where it stands (ISO 3166 alpha-2)')
    .action(
      action(
        async (
          id: string,
          options: { kind: string; zone: string; cutoff: string; name?: string; country?: string },
        ) => {
          await withApp((ctx) =>
            defineWarehouse(ctx, {
              id,
              name: options.name,
              kind: options.kind,
              country: options.country,
              timeZone: options.zone,
              cutoffTime: options.cutoff,
            }),
          );
          console.log(say(localized(`warehouse ${id} saved`, `仓库 ${id} 已保存`)));
        },
      ),
    );
  warehouse
    .command('list')
    .description('Warehouses with their time zone, cut-off and next cut-off')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listWarehouses(ctx);
          if (options.json)
            return printJson(
              rows.map((w) => ({
                ...w,
                next_cutoff_at: toIso(w.next_cutoff_at),
                created_at: toIso(w.created_at),
                updated_at: toIso(w.updated_at),
              })),
            );
          printTable(
            rows.map((w) => ({ ...w, next_cutoff: minute(w.next_cutoff_at) + 'Z' })),
            ['id', 'name', 'kind', 'country', 'time_zone', 'cutoff_time', 'next_cutoff'],
          );
        });
      }),
    );
}

/** `stock sku add|list` */
function skuCommands(stock: Command): void {
  const sku = stock.command('sku').description('Seller SKUs');
  sku
    .command('add')
    .description('Add or update a seller SKU and its planning days')
    .argument('<sku>', 'seller SKU')
    .option('--name <name>', 'display name')
    .option('--product <id>', 'the product it belongs to (its id)')
    .option('--lead-days <n>', 'supplier lead time')
    .option('--safety-days <n>', 'days of sales kept in stock on top of the lead time')
    .option('--cycle-days <n>', 'how often you buy it')
    .action(
      action(
        async (
          code: string,
          options: { name?: string; product?: string; leadDays?: string; safetyDays?: string; cycleDays?: string },
        ) => {
          await withApp((ctx) =>
            defineSku(ctx, {
              sku: code,
              name: options.name,
              productId: options.product,
              leadDays: whole(options.leadDays, '--lead-days', 0),
              safetyDays: whole(options.safetyDays, '--safety-days', 0),
              cycleDays: whole(options.cycleDays, '--cycle-days', 0),
            }),
          );
          console.log(say(localized(`SKU ${code} saved`, `SKU ${code} 已保存`)));
        },
      ),
    );
  sku
    .command('list')
    .description('Seller SKUs with their planning days')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listSkus(ctx);
          if (options.json) return printJson(rows);
          printTable(rows, ['sku', 'name', 'product_id', 'lead_days', 'safety_days', 'cycle_days']);
        });
      }),
    );
}

/** `stock map` and `stock mappings`: a marketplace SKU paired with seller SKUs. */
function mappingCommands(stock: Command): void {
  stock
    .command('map')
    .description(
      'Map a marketplace SKU of a shop to seller SKUs: SKU, SKU=UNITS (a multipack), several for a bundle, none to unmap',
    )
    .argument('<platform-sku>', "the shop's SKU on the marketplace")
    .argument('[components...]', 'SKU or SKU=UNITS')
    .requiredOption('--shop <shop>', 'the shop')
    .action(
      action(async (platformSku: string, components: string[], options: { shop: string }) => {
        const parts = pairs(components, 'UNITS').map((p) => ({ sku: p.sku, units: p.quantity }));
        await withApp((ctx) => mapPlatformSku(ctx, options.shop, platformSku, parts));
        console.log(
          parts.length
            ? `${options.shop} ${platformSku} = ${parts.map((p) => `${p.units} × ${p.sku}`).join(' + ')}`
            : say(localized(`${options.shop} ${platformSku} unmapped`, `${options.shop} ${platformSku} 已取消对应`)),
        );
      }),
    );
  stock
    .command('mappings')
    .description('Marketplace SKUs and the seller SKUs they are made of (units each)')
    .option('--shop <shop>', 'only this shop')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listMappings(ctx, options.shop);
          if (options.json) return printJson(rows);
          printTable(rows, ['shop_id', 'platform_sku', 'sku', 'units']);
        });
      }),
    );
}
