/**
 * A field refused by a schema, said in both languages: what the value must be, and what it is. The schema checkers'
 * own messages are English only (zod: "Invalid input: expected number, received string"; the HTTP schema checker:
 * "must be >= 1"), so every place they would reach a seller says the rule through here instead: `zodIssueMessage`
 * for zod's issues (the carrier contracts and shipping rules, policies and their overrides, tracking cadences);
 * src/http/errors.ts for the HTTP schemas.
 *
 * A sentence is `{field} {requirement}, not {value}.` / `{field} {requirement}，而不是{value}。`; fields and the codes a
 * value must be one of stay as they are typed, in both languages. A check a schema writes itself (a zod `refine`,
 * `superRefine`) gives its Chinese as `params: { zh }` beside its English message (`schemaRule`).
 */
import type { z } from 'zod';
import { localized, type Localized } from './i18n';
import type { ImportIssue } from './order-input';

type ZodIssue = z.core.$ZodIssue;

/** What a value must be, as the end of a sentence: `must be a whole number` / `须为整数`. */
export type Requirement = Localized;

/** The names of the kinds of value a field may be. */
const KINDS: Readonly<Record<string, Localized>> = {
  string: localized('text', '文本'),
  number: localized('a number', '数字'),
  integer: localized('a whole number', '整数'),
  int: localized('a whole number', '整数'),
  bigint: localized('a whole number', '整数'),
  boolean: localized('true or false', 'true 或 false'),
  array: localized('a list [ … ]', '列表 [ … ]'),
  object: localized('an object { … }', '对象 { … }'),
  record: localized('an object { … }', '对象 { … }'),
  date: localized('a date', '日期'),
  null: localized('null', 'null'),
};

/** The forms of text the schemas sellers fill in ask for, by the pattern (as zod and JSON Schema write it). */
const PATTERNS: Readonly<Record<string, Localized>> = {
  '^[A-Z]{2}$': localized('a two-letter country code in capitals, e.g. US', '两个大写字母的国家代码（例如 US）'),
  '^([01]\\d|2[0-3]):[0-5]\\d$': localized('a time of day, e.g. 17:00', '一天中的时间（例如 17:00）'),
  '^[a-z0-9][a-z0-9-]*$': localized(
    'lower-case letters, digits and hyphens, e.g. acme-standard',
    '小写字母、数字和连字符（例如 acme-standard）',
  ),
  '^[a-z0-9][a-z0-9_.-]*$': localized(
    'lower-case letters, digits, _ . and - (starting with a letter or digit)',
    '小写字母、数字、_ . 和 -（以字母或数字开头）',
  ),
  '^[A-Z]+$': localized('capital letters only', '仅大写字母'),
  '^[A-Z]{3}$': localized('a three-letter currency code, e.g. CNY', '三个大写字母的币种代码（例如 CNY）'),
};

/** The formats zod and JSON Schema name. */
const FORMATS: Readonly<Record<string, Localized>> = {
  email: localized('an e-mail address', '电子邮件地址'),
  url: localized('a web address (https://…)', '网址（https://…）'),
  uri: localized('a web address (https://…)', '网址（https://…）'),
  uuid: localized('a UUID', 'UUID'),
  datetime: localized('a time such as 2026-11-27T18:00:00Z', '时间（例如 2026-11-27T18:00:00Z）'),
  'date-time': localized('a time such as 2026-11-27T18:00:00Z', '时间（例如 2026-11-27T18:00:00Z）'),
  date: localized('a date such as 2026-11-27', '日期（例如 2026-11-27）'),
  time: localized('a time of day such as 18:00:00', '一天中的时间（例如 18:00:00）'),
  ipv4: localized('an IPv4 address', 'IPv4 地址'),
  ipv6: localized('an IPv6 address', 'IPv6 地址'),
};

const must = (en: string, zh: string): Requirement => localized(`must ${en}`, zh);

/** `must be a whole number` / `须为整数`; an unknown kind is named as the schema names it. */
export function mustBeKind(kind: string): Requirement {
  const name = KINDS[kind] ?? localized(kind, ` ${kind}`);
  return must(`be ${name.en}`, `须为${name['zh-CN']}`);
}

/** One of a list of values (codes, typed as they are). */
export function mustBeOneOf(values: readonly unknown[]): Requirement {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (shown.length === 1) return must(`be ${shown[0]}`, `须为 ${shown[0]}`);
  return must(`be one of ${shown.join(', ')}`, `须为 ${shown.join('、')} 之一`);
}

/** Text of a form: a known pattern by what it means, another by the pattern itself. */
export function mustMatch(pattern: string): Requirement {
  const source = pattern.replace(/^\/(.*)\/[a-z]*$/, '$1');
  const known = PATTERNS[source];
  if (known) return must(`be ${known.en}`, `须为${known['zh-CN']}`);
  return must(`match the pattern ${source}`, `须符合格式 ${source}`);
}

/** A named format (e-mail, web address, time). */
export function mustHaveFormat(format: string): Requirement {
  const known = FORMATS[format];
  if (known) return must(`be ${known.en}`, `须为${known['zh-CN']}`);
  return must(`be a valid ${format}`, `须为有效的 ${format}`);
}

type Sized = 'number' | 'string' | 'array' | 'date';

/** A bound: `at least 1`, `more than 0`, `at most 64 characters long`, `at least one item`. */
export function mustBeWithin(
  side: 'min' | 'max',
  sized: Sized,
  limit: number,
  options: { inclusive?: boolean; exact?: boolean } = {},
): Requirement {
  const inclusive = options.inclusive !== false;
  if (sized === 'string') {
    if (options.exact) return must(`be exactly ${limit} characters long`, `须为 ${limit} 个字符`);
    if (side === 'min' && limit <= 1) return must('not be empty', '不能为空');
    return side === 'min'
      ? must(`be at least ${limit} characters long`, `须至少 ${limit} 个字符`)
      : must(`be at most ${limit} characters long`, `最多 ${limit} 个字符`);
  }
  if (sized === 'array') {
    if (options.exact) return must(`list exactly ${limit} items`, `须正好有 ${limit} 项`);
    if (side === 'min' && limit <= 1) return must('list at least one item', '须至少有一项');
    return side === 'min'
      ? must(`list at least ${limit} items`, `须至少有 ${limit} 项`)
      : must(`list at most ${limit} items`, `最多 ${limit} 项`);
  }
  if (sized === 'date') {
    const at = new Date(limit).toISOString();
    return side === 'min'
      ? must(`not be before ${at}`, `不能早于 ${at}`)
      : must(`not be after ${at}`, `不能晚于 ${at}`);
  }
  if (options.exact) return must(`be ${limit}`, `须为 ${limit}`);
  if (side === 'min')
    return inclusive
      ? must(`be at least ${limit}`, `须不小于 ${limit}`)
      : must(`be more than ${limit}`, `须大于 ${limit}`);
  return inclusive
    ? must(`be at most ${limit}`, `须不大于 ${limit}`)
    : must(`be less than ${limit}`, `须小于 ${limit}`);
}

export function mustBeMultipleOf(divisor: number): Requirement {
  return must(`be a multiple of ${divisor}`, `须为 ${divisor} 的倍数`);
}

/** A value as a refusal shows it: text quoted (and cut at 40 characters), a list or an object by what it is. */
function shown(value: unknown): Localized {
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return localized(`"${text}"`, `「${text}」`);
  }
  if (typeof value === 'number' || typeof value === 'bigint') return localized(String(value), ` ${value}`);
  if (typeof value === 'boolean' || value === null) return localized(String(value), ` ${value}`);
  if (Array.isArray(value)) return localized(`a list of ${value.length}`, ` ${value.length} 项的列表`);
  if (value instanceof Date) return localized(value.toISOString(), ` ${value.toISOString()}`);
  return localized('an object', '对象');
}

/** `field must be …, not "x".`: the value is left out when it is unknown (undefined). */
export function fieldRefusal(field: string, requirement: Requirement, value?: unknown): Localized {
  const was = value === undefined ? undefined : shown(value);
  return localized(
    `${field || 'the value'} ${requirement.en}${was ? `, not ${was.en}` : ''}.`,
    `${field || '值'} ${requirement['zh-CN']}${was ? `，而不是${was['zh-CN']}` : ''}。`,
  );
}

export function requiredField(field: string): Localized {
  return localized(`${field} is required.`, `${field} 为必填项。`);
}

export function unknownField(key: string): Localized {
  return localized(`unknown field "${key}".`, `未知字段「${key}」。`);
}

/** A schema's own rule, in the words it gave (`params.zh` beside the English message). */
function ownRule(field: string, en: string, zh: string | undefined): Localized {
  const end = (text: string, stop: string) => (/[.。!?！？]$/.test(text) ? text : `${text}${stop}`);
  return localized(
    end(field ? `${field}: ${en}` : en, '.'),
    end(field ? `${field}：${zh ?? '无效'}` : (zh ?? '无效'), '。'),
  );
}

function sizedOf(origin: string): Sized {
  if (origin === 'string') return 'string';
  if (origin === 'array' || origin === 'set' || origin === 'file') return 'array';
  if (origin === 'date') return 'date';
  return 'number';
}

/** What an issue's value had to be; undefined for an issue of a kind zod may add later. */
function requirementOf(issue: ZodIssue): Requirement | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return mustBeKind(issue.expected);
    case 'too_small':
      return mustBeWithin('min', sizedOf(issue.origin), Number(issue.minimum), issue);
    case 'too_big':
      return mustBeWithin('max', sizedOf(issue.origin), Number(issue.maximum), issue);
    case 'not_multiple_of':
      return mustBeMultipleOf(issue.divisor);
    case 'invalid_value':
      return mustBeOneOf(issue.values);
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern) return mustMatch(issue.pattern);
      if (issue.format === 'starts_with' && 'prefix' in issue)
        return must(`start with ${String(issue.prefix)}`, `须以 ${String(issue.prefix)} 开头`);
      if (issue.format === 'ends_with' && 'suffix' in issue)
        return must(`end with ${String(issue.suffix)}`, `须以 ${String(issue.suffix)} 结尾`);
      if (issue.format === 'includes' && 'includes' in issue)
        return must(`contain ${String(issue.includes)}`, `须包含 ${String(issue.includes)}`);
      return mustHaveFormat(issue.format);
    case 'invalid_union':
      if (issue.discriminator && 'options' in issue && issue.options) return mustBeOneOf(issue.options);
      return must('be in one of the accepted forms', '须为可接受的形式之一');
    default:
      return undefined;
  }
}

/**
 * A zod issue in both languages, about `field` as the seller wrote it. Parse with `{ reportInput: true }`: the value
 * is then named ("not "USA"") and a missing field is told from a wrong one.
 */
export function zodIssueMessage(issue: ZodIssue, field: string): Localized {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.length === 1
      ? unknownField(issue.keys[0]!)
      : localized(
          `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}.`,
          `未知字段${issue.keys.map((k) => `「${k}」`).join('、')}。`,
        );
  if (issue.code === 'custom') {
    const zh = (issue.params as { zh?: unknown } | undefined)?.zh;
    return ownRule(field, issue.message, typeof zh === 'string' ? zh : undefined);
  }
  // Nothing given where a value (of a type, one of a list, of a form) was needed.
  const missing = issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union';
  if (missing && 'input' in issue && issue.input === undefined) return requiredField(field);
  // A record's key or a set's item: what was wrong with it.
  if ((issue.code === 'invalid_key' || issue.code === 'invalid_element') && issue.issues[0])
    return zodIssueMessage(issue.issues[0], field);
  const requirement = requirementOf(issue);
  if (!requirement) return localized(`${field || 'the value'} is not valid.`, `${field || '值'} 无效。`);
  const value =
    issue.code === 'invalid_union' && issue.discriminator
      ? (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator]
      : issue.input;
  return fieldRefusal(field, requirement, value);
}

/** The path zod names an issue at, with the one unknown key it refuses added (so it points at the typo). */
export function zodIssuePath(issue: ZodIssue): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0]!);
  return path;
}

/** zod's issues as import issues: `place` names the row and the field (a column, a dotted path) of each path. */
export function zodFieldIssues(
  issues: readonly ZodIssue[],
  place: (path: string[]) => { row: number; field: string },
): ImportIssue[] {
  return issues.map((issue) => {
    const { row, field } = place(zodIssuePath(issue));
    return { row, field, message: zodIssueMessage(issue, field) };
  });
}

/** A schema's own check (a zod `refine`, an issue of `superRefine`) in both languages: `{ message, params: { zh } }`. */
export function schemaRule(en: string, zh: string): { message: string; params: { zh: string } } {
  return { message: en, params: { zh } };
}
