/**
 * The carrier side of the seller's set-up: contract services imported from rate sheets (validated whole, refused
 * whole with each bad row named), the seller's shipping rules (first match wins), and the carrier accounts the label
 * use case calls (carrier-accounts.ts, re-exported here). Until a contract is imported, the SAMPLE services (core/data/carriers) are used and every answer
 * says so.
 */
import { z } from 'zod';
import { parseContractRows } from '../core/carrier-contract';
import type { ShippingRule } from '../core/carrier/rules';
import { type CarrierService } from '../core/carrier/types';
import { LOGISTICS_CLASSES } from '../core/carrier/logistics-class';
import { SAMPLE_CARRIER_SERVICES } from '../core/data/carriers/index';
import { zodFieldIssues } from '../core/field-refusals';
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { readCarrierFile } from '../integrations/files/carrier-file';
import * as packing from '../store/packing';
import type { AppContext } from './context';
import { ValidationError } from './errors';

export {
  listCarrierAccounts,
  setCarrierAccount,
  storedCarrierResolver,
  type CarrierAccountInput,
  type CarrierResolver,
} from './carrier-accounts';

export interface ShippingCatalog {
  services: CarrierService[];
  /** Service code → the marketplace's logistics service key declared with its numbers. */
  marketplaceServices: Map<string, string>;
  rules: ShippingRule[];
  /** `contract`: imported by the seller; `sample`: the illustrative sample services (no contract imported yet). */
  source: 'contract' | 'sample';
}

/** Marketplace (AliExpress) service keys for the sample services. */
const SAMPLE_MARKETPLACE_SERVICES: Record<string, string> = {
  'aliexpress-standard': 'CAINIAO_STANDARD',
  'cainiao-super-economy': 'CAINIAO_SUPER_ECONOMY',
  'cainiao-special-line': 'CAINIAO_STANDARD',
  'china-post-registered': 'CPAM',
  epacket: 'EMS_ZX_ZX_US',
  'yunexpress-direct': 'YUNEXPRESS',
  '4px-standard': '4PX_STANDARD',
  'dhl-express': 'DHL',
};

export async function loadShippingCatalog(ctx: AppContext): Promise<ShippingCatalog> {
  const [rows, ruleRows] = await Promise.all([
    packing.listCarrierServices(ctx.store.db),
    packing.listShippingRules(ctx.store.db),
  ]);
  const rules = ruleRows.map((r) => JSON.parse(r.definition) as ShippingRule);
  if (rows.length === 0) {
    return {
      services: [...SAMPLE_CARRIER_SERVICES],
      marketplaceServices: new Map(Object.entries(SAMPLE_MARKETPLACE_SERVICES)),
      rules,
      source: 'sample',
    };
  }
  const services = rows.map((r) => JSON.parse(r.definition) as CarrierService);
  return {
    services,
    marketplaceServices: new Map(rows.map((r) => [r.code, r.marketplace_service ?? r.code.toUpperCase()])),
    rules,
    source: 'contract',
  };
}

export interface ContractImportResult {
  services: Array<{ code: string; carrier: string; zones: number; rows: number }>;
  replacedAll: boolean;
}

/**
 * Imports a rate sheet: every row is checked and the services validated before anything is written; one bad row
 * refuses the file whole (ValidationError listing every row). With `replaceAll` the sheet becomes the whole
 * catalogue; otherwise its services replace those of the same code. All services must share one currency.
 */
export async function importCarrierContract(
  ctx: AppContext,
  file: string,
  options: { replaceAll?: boolean } = {},
): Promise<ContractImportResult> {
  const read = await readCarrierFile(file);
  if (read.issues.length && read.rows.length === 0) throw new ValidationError(read.issues);
  const parsed = parseContractRows(read.rows);
  // Every problem at once, unreadable rows and bad cells alike, in row order.
  if (read.issues.length || parsed.issues.length)
    throw new ValidationError([...read.issues, ...parsed.issues].sort((a, b) => a.row - b.row));
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const imported = new Set(parsed.services.map((s) => s.service.code));
    const kept = options.replaceAll
      ? []
      : (await packing.listCarrierServices(trx)).filter((r) => !imported.has(r.code));
    const currencies = new Set([
      ...parsed.services.map((s) => s.service.currency),
      ...kept.map((r) => (JSON.parse(r.definition) as CarrierService).currency),
    ]);
    if (currencies.size > 1) {
      throw new ValidationError([
        {
          row: parsed.services[0]!.rows[0]!,
          field: 'currency',
          message: localized(
            `services would be priced in ${[...currencies].join(' and ')}: costs would not compare. Import every service in one currency, or use --replace.`,
            `服务将以 ${[...currencies].join(' 和 ')} 计价，成本无法比较。请用同一币种导入所有服务，或使用 --replace。`,
          ),
        },
      ]);
    }
    // Rules must still name known services.
    const codes = new Set([...imported, ...kept.map((r) => r.code)]);
    const rules = (await packing.listShippingRules(trx)).map((r) => JSON.parse(r.definition) as ShippingRule);
    const orphan = rules.find((r) => !codes.has(r.service));
    if (orphan) {
      throw new ValidationError([
        {
          row: 0,
          field: 'service',
          message: localized(
            `shipping rule "${orphan.id}" uses service ${orphan.service}, which this import would remove: change the rules first.`,
            `配送规则「${orphan.id}」使用的服务 ${orphan.service} 将被此次导入移除：请先修改规则。`,
          ),
        },
      ]);
    }
    await packing.replaceCarrierServices(
      trx,
      parsed.services.map((s) => ({
        code: s.service.code,
        carrier: s.service.carrier,
        definition: JSON.stringify(s.service),
        marketplace_service: s.marketplaceService,
        source: file,
        imported_at: now,
      })),
      options.replaceAll === true,
    );
    return {
      services: parsed.services.map((s) => ({
        code: s.service.code,
        carrier: s.service.carrier,
        zones: s.service.zones.length,
        rows: s.rows.length,
      })),
      replacedAll: options.replaceAll === true,
    };
  });
}

export async function listCarrierServices(ctx: AppContext) {
  const catalog = await loadShippingCatalog(ctx);
  return {
    source: catalog.source,
    services: catalog.services.map((s) => ({
      code: s.code,
      carrier: s.carrier,
      name: s.name,
      logistics_class: s.logisticsClass,
      currency: s.currency,
      sample: s.sample,
      marketplace_service: catalog.marketplaceServices.get(s.code) ?? null,
      zones: s.zones.map((z) => z.id),
    })),
  };
}

const moneySchema = z.object({ amount: z.number().int().nonnegative(), currency: z.string().length(3) });
const ruleSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    service: z.string().min(1),
    when: z
      .object({
        countries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
        excludeCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
        minWeightG: z.number().int().nonnegative().optional(),
        maxWeightG: z.number().int().positive().optional(),
        minValue: moneySchema.optional(),
        maxValue: moneySchema.optional(),
        skus: z.array(z.string().min(1)).optional(),
        shops: z.array(z.string().min(1)).optional(),
        buyerLogisticsClasses: z.array(z.enum(LOGISTICS_CLASSES)).optional(),
      })
      .strict(),
  })
  .strict();

/** Replaces the seller's shipping rules (in the order given: the first match wins), validated whole. */
export async function setShippingRules(ctx: AppContext, input: unknown): Promise<ShippingRule[]> {
  const parsed = z.array(ruleSchema).max(1_000).safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issues = zodFieldIssues(parsed.error.issues, (path) => ({
      row: /^\d+$/.test(path[0] ?? '') ? Number(path[0]) + 1 : 0,
      field: (/^\d+$/.test(path[0] ?? '') ? path.slice(1) : path).join('.') || 'rules',
    }));
    throw new ValidationError(
      issues.map((i) =>
        i.row
          ? { ...i, message: localized(`rule ${i.row}: ${i.message.en}`, `第 ${i.row} 条规则：${i.message['zh-CN']}`) }
          : i,
      ),
    );
  }
  const rules = parsed.data as ShippingRule[];
  const catalog = await loadShippingCatalog(ctx);
  // What compileRules would refuse, said per rule: a service not in the catalogue, an id given twice.
  const known = catalog.services.map((s) => s.code);
  const refused: ImportIssue[] = [];
  rules.forEach((rule, i) => {
    const row = i + 1;
    if (!known.includes(rule.service))
      refused.push({
        row,
        field: 'service',
        message: localized(
          `rule ${row}: service "${rule.service}" is not in the catalogue. Known services: ${known.join(', ')}.`,
          `第 ${row} 条规则：服务「${rule.service}」不在目录中。可用服务：${known.join('、')}。`,
        ),
      });
    if (rules.findIndex((r) => r.id === rule.id) < i)
      refused.push({
        row,
        field: 'id',
        message: localized(
          `rule ${row}: the id "${rule.id}" is used by an earlier rule; give each rule its own id.`,
          `第 ${row} 条规则：id「${rule.id}」已被前面的规则使用；每条规则的 id 须各不相同。`,
        ),
      });
  });
  if (refused.length) throw new ValidationError(refused);
  await ctx.store.db.transaction().execute((trx) =>
    packing.replaceShippingRules(
      trx,
      rules.map((r) => ({ rule_id: r.id, definition: JSON.stringify(r) })),
      ctx.now(),
    ),
  );
  return rules;
}

export async function listShippingRules(ctx: AppContext): Promise<ShippingRule[]> {
  return (await packing.listShippingRules(ctx.store.db)).map((r) => JSON.parse(r.definition) as ShippingRule);
}
