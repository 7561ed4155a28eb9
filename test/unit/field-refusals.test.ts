/**
 * zod's refusals said in both languages (core/field-refusals.ts): each kind of issue names the field and the value,
 * says what the value must be, and its Chinese has no English word but the codes it names as they are typed. Then
 * the places zod's issues reach a seller: a carrier contract sheet (the row and the column), a policy's overrides, a
 * tracking provider's cadence, the HTTP schema checker's errors and Fastify's refusals of a body.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseContractRows, type ContractRow } from '../../src/core/carrier-contract';
import { schemaRule, zodFieldIssues, zodIssueMessage } from '../../src/core/field-refusals';
import { applyOverrides, builtInRegistry, PolicyValidationError } from '../../src/core/policy';
import { pollCadenceIssues } from '../../src/core/tracking-poll';
import { requestRefusal, schemaRefusal } from '../../src/http/schema-refusals';
import { englishWords } from '../support/english-words';

/** English words of a Chinese text, its fields and the codes it names (as typed) left out. */
function english(zh: string, codes: readonly string[] = []): string[] {
  return englishWords(zh, [...codes]);
}

const schema = z
  .strictObject({
    weight: z.number().int().positive(),
    name: z.string().min(1).max(8),
    code: z.string().length(3),
    kind: z.enum(['economy', 'standard']),
    country: z.string().regex(/^[A-Z]{2}$/),
    sku: z.string().regex(/^SKU-\d+$/),
    items: z.array(z.string()).min(1),
    percent: z.number().max(100),
    step: z.number().multipleOf(5),
    mail: z.email(),
    pricing: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('per-kg'), perKg: z.number() }),
      z.object({ kind: z.literal('flat') }),
    ]),
    window: z
      .object({ from: z.number(), to: z.number() })
      .refine((w) => w.to >= w.from, schemaRule('ends before it starts', '结束早于开始')),
  })
  .refine(() => false, { message: 'never right' });

function refusals(input: unknown): Record<string, { en: string; zh: string }> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error('expected a refusal');
  return Object.fromEntries(
    zodFieldIssues(result.error.issues, (path) => ({ row: 0, field: path.join('.') })).map((i) => [
      i.field,
      { en: i.message.en, zh: i.message['zh-CN'] },
    ]),
  );
}

describe('zod issues in both languages', () => {
  const bad = refusals({
    weight: '5',
    name: '',
    code: 'CN',
    kind: 'express',
    country: 'USA',
    sku: 'lamp',
    items: [],
    percent: 150,
    step: 7,
    mail: 'li at example',
    pricing: { kind: 'per-box' },
    window: { from: 5, to: 1 },
    colour: 'red',
  });

  it('names the field, says what it must be and what it is', () => {
    expect(bad).toEqual({
      weight: { en: 'weight must be a number, not "5".', zh: 'weight 须为数字，而不是「5」。' },
      name: { en: 'name must not be empty, not "".', zh: 'name 不能为空，而不是「」。' },
      code: { en: 'code must be exactly 3 characters long, not "CN".', zh: 'code 须为 3 个字符，而不是「CN」。' },
      kind: {
        en: 'kind must be one of economy, standard, not "express".',
        zh: 'kind 须为 economy、standard 之一，而不是「express」。',
      },
      country: {
        en: 'country must be a two-letter country code in capitals, e.g. US, not "USA".',
        zh: 'country 须为两个大写字母的国家代码（例如 US），而不是「USA」。',
      },
      sku: {
        en: 'sku must match the pattern ^SKU-\\d+$, not "lamp".',
        zh: 'sku 须符合格式 ^SKU-\\d+$，而不是「lamp」。',
      },
      items: {
        en: 'items must list at least one item, not a list of 0.',
        zh: 'items 须至少有一项，而不是 0 项的列表。',
      },
      percent: { en: 'percent must be at most 100, not 150.', zh: 'percent 须不大于 100，而不是 150。' },
      step: { en: 'step must be a multiple of 5, not 7.', zh: 'step 须为 5 的倍数，而不是 7。' },
      mail: {
        en: 'mail must be an e-mail address, not "li at example".',
        zh: 'mail 须为电子邮件地址，而不是「li at example」。',
      },
      'pricing.kind': {
        en: 'pricing.kind must be one of per-kg, flat, not "per-box".',
        zh: 'pricing.kind 须为 per-kg、flat 之一，而不是「per-box」。',
      },
      window: { en: 'window: ends before it starts.', zh: 'window：结束早于开始。' },
      colour: { en: 'unknown field "colour".', zh: '未知字段「colour」。' },
    });
    // The bad values the seller typed are theirs to read; no other English word is left in Chinese.
    for (const [field, { zh }] of Object.entries(bad))
      expect(
        english(zh, [field, 'li at example', 'lamp', 'express', 'colour', 'economy', 'standard', 'flat']),
        zh,
      ).toEqual([]);
  });

  it('says a missing field is required, and a rule without Chinese as invalid', () => {
    const missing = refusals({ window: { from: 1, to: 2 } });
    expect(missing.weight).toEqual({ en: 'weight is required.', zh: 'weight 为必填项。' });
    expect(missing['pricing.perKg']).toBeUndefined();
    const result = schema.safeParse(
      {
        weight: 1,
        name: 'a',
        code: 'abc',
        kind: 'economy',
        country: 'US',
        sku: 'SKU-1',
        items: ['a'],
        percent: 1,
        step: 5,
        mail: 'li@example.com',
        pricing: { kind: 'flat' },
        window: { from: 1, to: 2 },
      },
      { reportInput: true },
    );
    expect(result.success).toBe(false);
    const own = zodIssueMessage(result.error!.issues[0]!, '');
    expect(own).toEqual({ en: 'never right.', 'zh-CN': '无效。' });
  });

  it('exclusive bounds and lengths read as such', () => {
    const bounds = z.strictObject({ more: z.number().positive(), less: z.number().lt(10), text: z.string().max(2) });
    const result = bounds.safeParse({ more: 0, less: 10, text: 'abc' }, { reportInput: true });
    const said = result.error!.issues.map((i) => zodIssueMessage(i, String(i.path[0])));
    expect(said.map((m) => m.en)).toEqual([
      'more must be more than 0, not 0.',
      'less must be less than 10, not 10.',
      'text must be at most 2 characters long, not "abc".',
    ]);
    expect(said.map((m) => m['zh-CN'])).toEqual([
      'more 须大于 0，而不是 0。',
      'less 须小于 10，而不是 10。',
      'text 最多 2 个字符，而不是「abc」。',
    ]);
  });
});

describe('where zod reaches a seller', () => {
  const base = {
    service: 'acme-std',
    carrier: 'china-post',
    name_en: 'Acme Standard',
    class: 'standard',
    currency: 'CNY',
    fuel_percent: '0',
    max_weight_g: '2000',
    max_longest_side_mm: '600',
    batteries: 'none',
    liquids: 'no',
    pickup_zone: 'Asia/Shanghai',
    pickup_days: '1-5',
    pickup_times: '17:00',
    zone: 'EU',
    countries: 'ES FR',
    up_to_g: '2000',
    pricing: 'per-kg',
    per_kg_price: '70.00',
    transit_p50_days: '12',
    transit_p90_days: '25',
  };
  const row = (n: number, over: Partial<typeof base>): ContractRow => ({ row: n, cells: { ...base, ...over } });

  it('a contract sheet: the row and the column the seller fills in, in both languages', () => {
    const parsed = parseContractRows([
      row(2, { class: '特快' }),
      row(3, { class: '特快', zone: 'US', countries: 'USA', transit_p50_days: '30', transit_p90_days: '20' }),
    ]);
    expect(parsed.issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'class'],
      [3, 'countries'],
      [3, 'transit_p90_days'],
    ]);
    expect(parsed.issues.map((i) => i.message['zh-CN'])).toEqual([
      '服务 acme-std：class 须为 economy、standard、premium、express 之一，而不是「特快」。',
      '服务 acme-std：countries 须为两个大写字母的国家代码（例如 US），而不是「USA」。',
      '服务 acme-std：transit_p90_days：p90 天数不能少于 p50 天数。',
    ]);
    expect(parsed.issues[2]!.message.en).toBe('service acme-std: transit_p90_days: p90Days must be at least p50Days.');
    for (const issue of parsed.issues)
      expect(
        english(issue.message['zh-CN'], [issue.field, 'economy', 'standard', 'premium', 'express']),
        issue.message['zh-CN'],
      ).toEqual([]);
  });

  it("a policy override: the field's path and the schema's own rules, in Chinese too", () => {
    const pop = builtInRegistry().select('aliexpress_pop', Date.now());
    let refused: PolicyValidationError | undefined;
    try {
      applyOverrides(pop, {
        graceHours: -1,
        handling: { kind: 'elapsed_hours', defaultHours: 72, colour: 1 },
      } as never);
    } catch (error) {
      refused = error as PolicyValidationError;
    }
    expect(refused).toBeInstanceOf(PolicyValidationError);
    expect(refused!.issues.map((i) => [i.path, i.message['zh-CN']])).toEqual([
      ['handling.colour', '未知字段「colour」。'],
      ['graceHours', 'graceHours 须不小于 0，而不是 -1。'],
    ]);
    expect(refused!.localized['zh-CN']).toBe(
      '策略覆盖设置被拒绝：未知字段「colour」。graceHours 须不小于 0，而不是 -1。',
    );
    let backwards: PolicyValidationError | undefined;
    try {
      applyOverrides(pop, { warningHoursBefore: [2, 4] });
    } catch (error) {
      backwards = error as PolicyValidationError;
    }
    expect(backwards!.issues.map((i) => i.message)).toEqual([
      {
        en: 'warningHoursBefore.1: warning thresholds must decrease (e.g. 48, 24, 6, 2).',
        'zh-CN': 'warningHoursBefore.1：提醒时间须逐个递减（例如 48, 24, 6, 2）。',
      },
    ]);
  });

  it("a tracking provider's cadence: one refusal per field", () => {
    expect(pollCadenceIssues({ dailyHours: 1 })).toEqual([]);
    expect(pollCadenceIssues({ dailyHours: -2, hourly: true })).toEqual([
      {
        row: 0,
        field: 'cadence.dailyHours',
        message: {
          en: 'cadence.dailyHours must be more than 0, not -2.',
          'zh-CN': 'cadence.dailyHours 须大于 0，而不是 -2。',
        },
      },
      { row: 0, field: 'cadence.hourly', message: { en: 'unknown field "hourly".', 'zh-CN': '未知字段「hourly」。' } },
    ]);
  });

  it('the HTTP schema checker: its English kept, the same rule in Chinese with the value sent', () => {
    const request = {
      body: { lines: [{ quantity: 0 }], kind: 'soon' },
      query: { limit: 'x' },
    } as unknown as FastifyRequest;
    const said = (context: string, error: Parameters<typeof schemaRefusal>[2]) =>
      schemaRefusal(request, context, error);
    expect(
      said('body', {
        instancePath: '/lines/0/quantity',
        keyword: 'minimum',
        params: { limit: 1, comparison: '>=' },
        message: 'must be >= 1',
      }),
    ).toEqual({
      path: 'body.lines.0.quantity',
      message: { en: 'body.lines.0.quantity must be >= 1.', 'zh-CN': 'body.lines.0.quantity 须不小于 1，而不是 0。' },
    });
    expect(
      said('body', {
        instancePath: '/kind',
        keyword: 'enum',
        params: { allowedValues: ['now', 'later'] },
        message: 'must be equal to one of the allowed values',
      }).message['zh-CN'],
    ).toBe('body.kind 须为 now、later 之一，而不是「soon」。');
    expect(
      said('querystring', {
        instancePath: '/limit',
        keyword: 'type',
        params: { type: 'integer' },
        message: 'must be integer',
      }).message['zh-CN'],
    ).toBe('querystring.limit 须为整数，而不是「x」。');
    expect(
      said('body', {
        instancePath: '',
        keyword: 'required',
        params: { missingProperty: 'sku' },
        message: "must have required property 'sku'",
      }),
    ).toEqual({
      path: 'body.sku',
      message: { en: "body.sku must have required property 'sku'.", 'zh-CN': 'body.sku 为必填项。' },
    });
    expect(
      said('body', {
        instancePath: '',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'colour' },
        message: 'x',
      }).message,
    ).toEqual({ en: 'unknown field "colour".', 'zh-CN': '未知字段「colour」。' });
  });

  it("Fastify's refusals of a body: its English kept, said in Chinese", () => {
    const notJson = {
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    };
    expect(requestRefusal(notJson)).toEqual({
      en: notJson.message,
      'zh-CN': '请求体不是有效的 JSON：请检查括号、引号和逗号。',
    });
    expect(requestRefusal({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' })['zh-CN']).toBe(
      '请求体过大，未处理。',
    );
    // One of no known kind keeps its text, introduced in Chinese.
    expect(requestRefusal({ code: 'FST_ERR_SOMETHING', message: 'odd' })).toEqual({
      en: 'odd',
      'zh-CN': '请求被拒绝：odd',
    });
  });
});
