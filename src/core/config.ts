/**
 * The configuration: every SHIPBY_* variable (and the four unprefixed ones shipby reads: DATABASE_URL, PORT, HOST,
 * LOG_LEVEL) declared once, with what it means, what it expects and its default, parsed and checked here. Pure: the
 * environment is passed in. A start checks the whole environment (`configProblems`), and a bad value stops it with
 * the variable's name and what is expected, in both languages; the readers take their value from `setting()`, so no
 * other module parses a variable of its own. `shipby config` prints `effectiveConfig()` with the secrets masked.
 *
 * Plain parsers, not zod: the CLI checks the environment at every start, and in the split build even zod/mini
 * brings zod's shared core (~650 KB) into every command's first chunk, ~70 ms of CPU per start (bench:cli). Each
 * kind is one small function from the text to its value, or undefined when the text is not one.
 */
import { localized, LocalizedError, type Localized } from './i18n';

type Env = Record<string, string | undefined>;

/** How a variable's text becomes its value; `expected` says, to a person, what text is accepted. */
interface Kind<T> {
  parse: (text: string) => T | undefined;
  expected: Localized;
}

function positiveNumber(unit: Localized): Kind<number> {
  return {
    parse: (text) => (/^\d+(?:\.\d+)?$/.test(text) && Number(text) > 0 ? Number(text) : undefined),
    expected: localized(`a number greater than 0 (${unit.en})`, `大于 0 的数字（${unit['zh-CN']}）`),
  };
}

function wholeNumber(unit: Localized): Kind<number> {
  return {
    parse: (text) =>
      /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) && Number(text) > 0 ? Number(text) : undefined,
    expected: localized(`a whole number greater than 0 (${unit.en})`, `大于 0 的整数（${unit['zh-CN']}）`),
  };
}

function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  return {
    parse: (text) => values.find((value) => value === text),
    expected: localized(`one of: ${values.join(', ')}`, `以下之一：${values.join('、')}`),
  };
}

const text: Kind<string> = { parse: (value) => value, expected: localized('some text', '非空文本') };

/** `5000` (ms), `90s`, `10m`, `1h`: an interval's milliseconds, or undefined when it is not one. At least 1 s. */
export function intervalMs(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase();
  return Math.round(Number(match[1]) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1));
}

const interval: Kind<number> = {
  parse: (value) => {
    const ms = intervalMs(value);
    return ms !== undefined && ms >= 1000 ? ms : undefined;
  },
  expected: localized(
    'an interval of at least 1 s: milliseconds, or a number with s, m or h (e.g. 10m)',
    '至少 1 秒的间隔：毫秒数，或带 s、m、h 的数字（例如 10m）',
  ),
};

const databaseUrl: Kind<string> = {
  parse: (value) => (/^(?:sqlite:.+|postgres(?:ql)?:\/\/.+)$/.test(value) ? value : undefined),
  expected: localized(
    'sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    'sqlite:路径 或 postgres://用户:密码@主机:端口/数据库',
  ),
};

/** `redis://[USER:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://` for TLS. */
const redisUrl: Kind<string> = {
  parse: (value) => {
    if (!/^rediss?:\/\/[^\s]+$/.test(value)) return undefined;
    try {
      const url = new URL(value);
      return url.hostname !== '' && /^(\/\d*)?$/.test(url.pathname) ? value : undefined;
    } catch {
      return undefined;
    }
  },
  expected: localized(
    'redis://HOST:PORT (optionally redis://:PASSWORD@HOST:PORT/DB; rediss:// for TLS)',
    'redis://主机:端口（可写作 redis://:密码@主机:端口/库号；TLS 用 rediss://）',
  ),
};

const ms = localized('milliseconds', '毫秒');
const count = localized('a count', '数量');

interface Setting<T> {
  kind: Kind<T>;
  /** What it sets, for `shipby config`. */
  about: string;
  /** The value when the variable is not set (undefined: none; the reader decides, e.g. from the machine). */
  fallback?: T;
  /** Printed masked. */
  secret?: boolean;
  /** Printed with a URL's password masked. */
  url?: boolean;
}

/** A declaration; `more` keeps its type, so a variable declared with a fallback reads as never undefined. */
const variable = <T, M extends Omit<Setting<T>, 'kind' | 'about'> = {}>(
  kind: Kind<T>,
  about: string,
  more?: M,
): Setting<T> & M => ({ kind, about, ...more }) as Setting<T> & M;

/** Every variable shipby reads. A new one is declared here, then read with `setting(env, NAME)`. */
export const SETTINGS = {
  DATABASE_URL: variable(databaseUrl, 'the store', { fallback: 'sqlite:./data/shipby.db', url: true }),
  PORT: variable(wholeNumber(localized('a TCP port', 'TCP 端口')), 'where `serve` listens', { fallback: 3000 }),
  HOST: variable(text, 'the address `serve` listens on', { fallback: '0.0.0.0' }),
  LOG_LEVEL: variable(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), "the server log's level", {
    fallback: 'info',
  }),
  SHIPBY_LANG: variable(text, 'the language of command output (else LC_ALL, LANG)'),
  SHIPBY_MASTER_KEY: variable(text, 'the key that encrypts stored secrets (32 random bytes, base64 or hex)', {
    secret: true,
  }),
  SHIPBY_DATA_DIR: variable(text, 'where the master key file and case photos are kept', { fallback: './data' }),
  SHIPBY_EVIDENCE_QUOTA_MB: variable(
    positiveNumber(localized('megabytes', 'MB')),
    "a shop's after-sales evidence in all",
    { fallback: 500 },
  ),
  SHIPBY_PASSWORD_CHANGE_KEYS: variable(
    oneOf(['revoke', 'keep']),
    'what a password change does to the API keys its user made',
    { fallback: 'revoke' },
  ),
  SHIPBY_HEAP_MB: variable(wholeNumber(localized('megabytes', 'MB')), "the CLI's V8 heap cap (bin/shipby)", {
    fallback: 320,
  }),
  SHIPBY_RATE_LIMIT: variable(
    wholeNumber(localized('requests per minute', '每分钟请求数')),
    'requests per minute per API key, session or IP',
    { fallback: 1200 },
  ),
  SHIPBY_REQUEST_TIMEOUT_MS: variable(positiveNumber(ms), 'a whole request must arrive within this', {
    fallback: 60_000,
  }),
  SHIPBY_HEADERS_TIMEOUT_MS: variable(positiveNumber(ms), "a request's headers must arrive within this", {
    fallback: 20_000,
  }),
  SHIPBY_IDLE_TIMEOUT_MS: variable(positiveNumber(ms), 'a silent socket is closed after this', { fallback: 120_000 }),
  SHIPBY_KEEP_ALIVE_TIMEOUT_MS: variable(
    positiveNumber(ms),
    'a kept-alive connection waits this long for its next request',
    { fallback: 10_000 },
  ),
  SHIPBY_SECURE_COOKIES: variable(oneOf(['0', '1']), 'session cookies marked Secure even behind a plain-HTTP proxy', {
    fallback: '0',
  }),
  SHIPBY_OUTBOUND_ALLOW: variable(
    text,
    'hosts outgoing requests may reach although private or loopback (host or host:port, comma-separated)',
  ),
  SHIPBY_PLAN_THREADS: variable(wholeNumber(count), 'planner threads (default: 2, at most the cores)'),
  SHIPBY_PLAN_MAX_BUDGET_MS: variable(positiveNumber(ms), 'the longest plan search a request may ask for', {
    fallback: 2000,
  }),
  SHIPBY_PLAN_MAX_JOBS: variable(wholeNumber(count), 'the most orders one plan may hold', { fallback: 20_000 }),
  SHIPBY_PLAN_MAX_QUEUED: variable(wholeNumber(count), 'plans waiting for a thread before the planner answers busy', {
    fallback: 8,
  }),
  SHIPBY_SYNC_INTERVAL: variable(interval, 'how often shops are synced with the marketplace', { fallback: 600_000 }),
  SHIPBY_SWEEP_INTERVAL: variable(interval, 'how often deadlines are swept for warnings', { fallback: 60_000 }),
  SHIPBY_PLAN_INTERVAL: variable(interval, 'how often the work plan is refreshed', { fallback: 60_000 }),
  SHIPBY_TRACKING_INTERVAL: variable(interval, 'how often tracking webhooks are delivered', { fallback: 30_000 }),
  SHIPBY_POLL_INTERVAL: variable(interval, 'how often parcels are polled at the tracking providers', {
    fallback: 60_000,
  }),
  SHIPBY_RECEIPT_INTERVAL: variable(interval, 'how often delivered orders are checked for receipt', {
    fallback: 600_000,
  }),
  SHIPBY_TOKEN_REFRESH_INTERVAL: variable(interval, "how often the shops' marketplace tokens are checked for renewal", {
    fallback: 3_600_000,
  }),
  SHIPBY_TOKEN_REFRESH_AHEAD: variable(interval, 'how long before its end a token is renewed', {
    fallback: 3 * 24 * 3_600_000,
  }),
  SHIPBY_ALIEXPRESS_APP_KEY: variable(text, "the installation's AliExpress app key (the platform's app console)"),
  SHIPBY_ALIEXPRESS_APP_SECRET: variable(text, "the installation's AliExpress app secret", { secret: true }),
  SHIPBY_ALIEXPRESS_GATEWAY_URL: variable(text, "the AliExpress platform's origin (/sync, /rest, /oauth/authorize)", {
    fallback: 'https://api-sg.aliexpress.com',
  }),
  SHIPBY_ALIEXPRESS_AUTH_URL: variable(text, "the AliExpress consent page's origin, when not the gateway's"),
  SHIPBY_PUBLIC_URL: variable(
    text,
    "this server as the seller's browser and the tracking providers reach it (the base of the authorisation callback and of the providers' webhook addresses)",
  ),
  SHIPBY_HOUSEKEEPING_INTERVAL: variable(interval, 'how often ended rate-limit windows are deleted', {
    fallback: 600_000,
  }),
  SHIPBY_RATE_LIMIT_STORE: variable(
    oneOf(['database', 'redis', 'memory']),
    'where rate-limit counters live: database, redis (SHIPBY_REDIS_URL) or memory (default: database on PostgreSQL, memory on SQLite)',
  ),
  SHIPBY_TRUST_PROXY: variable(
    text,
    'proxies whose X-Forwarded-For is believed: true, false, a number of hops, or addresses and CIDR ranges',
  ),
  SHIPBY_METRICS_TOKEN: variable(text, 'the bearer token GET /metrics asks for (unset: /metrics answers 401)', {
    secret: true,
  }),
  SHIPBY_WORKER_METRICS_PORT: variable(
    wholeNumber(localized('a TCP port', 'TCP 端口')),
    '`worker` also answers GET /metrics on this port',
  ),
  SHIPBY_REDIS_URL: variable(redisUrl, 'the Redis holding the rate-limit counters when SHIPBY_RATE_LIMIT_STORE=redis', {
    url: true,
  }),
  SHIPBY_JOB_LEASE_MS: variable(
    positiveNumber(ms),
    "how long a process's claim to run the background jobs lasts unrenewed",
    { fallback: 30_000 },
  ),
  SHIPBY_OUTBOX_WORKER: variable(oneOf(['on', 'off']), '`serve` runs the upload outbox worker itself', {
    fallback: 'on',
  }),
  SHIPBY_OUTBOX_CONCURRENCY: variable(wholeNumber(count), 'uploads in flight per outbox worker', { fallback: 16 }),
  SHIPBY_OUTBOX_LEASE_MS: variable(positiveNumber(ms), 'how long a claimed upload stays claimed', {
    fallback: 120_000,
  }),
  SHIPBY_OUTBOX_BACKOFF_MS: variable(positiveNumber(ms), 'the first retry delay of a failed upload'),
  SHIPBY_OUTBOX_MAX_BACKOFF_MS: variable(positiveNumber(ms), 'the longest retry delay of a failed upload'),
  SHIPBY_OUTBOX_MAX_ATTEMPTS: variable(wholeNumber(count), 'tries before an upload is dead-lettered'),
  SHIPBY_OUTBOX_IDLE_POLL_MS: variable(positiveNumber(ms), 'how often an idle outbox worker looks for work', {
    fallback: 1000,
  }),
  SHIPBY_MARKETPLACE_TIMEOUT_MS: variable(positiveNumber(ms), 'a marketplace call gives up after this', {
    fallback: 15_000,
  }),
  SHIPBY_WORKER_ID: variable(text, "an outbox worker's name in its claims (default: host and process id)"),
  SHIPBY_SQLITE_BUSY_WAIT_MS: variable(positiveNumber(ms), "how long a write waits for another process's SQLite lock", {
    fallback: 60_000,
  }),
  SHIPBY_IMPORT_WORKER: variable(oneOf(['0', '1']), 'parse order files in a worker thread', { fallback: '0' }),
  SHIPBY_IMPORT_MAX_BYTES: variable(wholeNumber(localized('bytes', '字节')), 'the largest order file accepted', {
    fallback: 4 * 1024 ** 3,
  }),
  SHIPBY_XLSX_MAX_UNCOMPRESSED_MB: variable(
    positiveNumber(localized('megabytes', 'MB')),
    "the most an .xlsx file's parts may unpack to",
    { fallback: 2048 },
  ),
  SHIPBY_XLSX_MAX_SHARED_STRINGS_MB: variable(
    positiveNumber(localized('megabytes', 'MB')),
    'the largest shared-strings part of an .xlsx file',
    { fallback: 100 },
  ),
  SHIPBY_XLSX_MAX_SHARED_STRINGS: variable(wholeNumber(count), 'the most shared strings an .xlsx file may hold', {
    fallback: 2_000_000,
  }),
} satisfies Record<string, Setting<never> | Setting<string> | Setting<number>>;

export type SettingName = keyof typeof SETTINGS;
type ValueOf<N extends SettingName> = (typeof SETTINGS)[N] extends Setting<infer T> ? T : never;
type Fallback<N extends SettingName> = (typeof SETTINGS)[N] extends { fallback: unknown }
  ? ValueOf<N>
  : ValueOf<N> | undefined;

/** A variable whose value is not what it expects: its name, the value, and what is expected, in both languages. */
export interface ConfigProblem {
  name: string;
  value: string;
  message: Localized;
}

function problem(name: SettingName, value: string): ConfigProblem {
  const expected = SETTINGS[name].kind.expected;
  return {
    name,
    value,
    message: localized(
      `${name} is "${value}": expected ${expected.en}.`,
      `${name} 的值为 "${value}"：应为${expected['zh-CN']}。`,
    ),
  };
}

/** The error a start stops with: every bad variable at once. */
export class ConfigError extends LocalizedError {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      localized(
        `The configuration is not valid, nothing was started:\n${problems.map((p) => `  ${p.message.en}`).join('\n')}`,
        `配置无效，未启动：\n${problems.map((p) => `  ${p.message['zh-CN']}`).join('\n')}`,
      ),
    );
  }
}

/** Unset and empty are the same: the default. */
function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function parse<N extends SettingName>(
  env: Env,
  name: N,
): { ok: true; value: ValueOf<N> | undefined } | { ok: false; problem: ConfigProblem } {
  const value = raw(env, name);
  if (value === undefined) return { ok: true, value: SETTINGS[name].fallback as ValueOf<N> | undefined };
  const parsed = (SETTINGS[name].kind as Kind<ValueOf<N>>).parse(value);
  return parsed !== undefined ? { ok: true, value: parsed } : { ok: false, problem: problem(name, value) };
}

/** One variable's value (its default when unset); a bad value throws ConfigError naming it. */
export function setting<N extends SettingName>(env: Env, name: N): Fallback<N> {
  const result = parse(env, name);
  if (!result.ok) throw new ConfigError([result.problem]);
  return result.value as Fallback<N>;
}

/** Variables that another one's value needs: unset, they are a problem like a bad value. */
const NEEDED: ReadonlyArray<{ name: SettingName; when: (env: Env) => boolean; because: Localized }> = [
  {
    name: 'SHIPBY_REDIS_URL',
    when: (env) => raw(env, 'SHIPBY_RATE_LIMIT_STORE') === 'redis',
    because: localized(
      'SHIPBY_REDIS_URL is not set: SHIPBY_RATE_LIMIT_STORE=redis needs the address of Redis (redis://HOST:PORT).',
      'SHIPBY_REDIS_URL 未设置：SHIPBY_RATE_LIMIT_STORE=redis 需要 Redis 的地址（redis://主机:端口）。',
    ),
  },
];

function missing(env: Env, only?: SettingName): ConfigProblem[] {
  return NEEDED.filter((need) => (only === undefined || need.name === only) && need.when(env))
    .filter((need) => raw(env, need.name) === undefined)
    .map((need) => ({ name: need.name, value: '', message: need.because }));
}

/** A variable that must be set given the others (SHIPBY_REDIS_URL with the redis store); unset or bad throws ConfigError. */
export function neededSetting<N extends SettingName>(env: Env, name: N): NonNullable<Fallback<N>> {
  const value = setting(env, name);
  if (value !== undefined && value !== null) return value as NonNullable<Fallback<N>>;
  const problems = missing(env, name);
  throw new ConfigError(
    problems.length ? problems : [{ name, value: '', message: localized(`${name} is not set.`, `${name} 未设置。`) }],
  );
}

/** Every variable that is set to a value it does not accept, or needed and unset; empty when the configuration is good. */
export function configProblems(env: Env): ConfigProblem[] {
  const bad = (Object.keys(SETTINGS) as SettingName[]).flatMap((name) => {
    const result = parse(env, name);
    return result.ok ? [] : [result.problem];
  });
  return [...bad, ...missing(env)];
}

/** Throws ConfigError listing every bad variable. What each start does first. */
export function checkConfig(env: Env): void {
  const problems = configProblems(env);
  if (problems.length) throw new ConfigError(problems);
}

export type EffectiveSetting = {
  name: string;
  /** As printed: secrets masked, a URL's password masked; `(default)` values are the fallback. */
  value: string;
  source: 'environment' | 'default' | 'unset';
  about: string;
};

function mask(name: SettingName, value: string): string {
  const declared: Setting<unknown> = SETTINGS[name];
  if (declared.secret) return '********';
  if (declared.url) return value.replace(/\/\/([^:@/]*):([^@/]+)@/, '//$1:***@');
  return value;
}

/** What `shipby config` prints: every variable, its value (masked when secret) and where it came from. */
export function effectiveConfig(env: Env): { settings: EffectiveSetting[]; unknown: string[] } {
  const settings = (Object.keys(SETTINGS) as SettingName[]).map((name): EffectiveSetting => {
    const value = raw(env, name);
    const declared: Setting<unknown> = SETTINGS[name];
    if (value !== undefined) return { name, value: mask(name, value), source: 'environment', about: declared.about };
    if (declared.fallback !== undefined)
      return { name, value: mask(name, String(declared.fallback)), source: 'default', about: declared.about };
    return { name, value: '', source: 'unset', about: declared.about };
  });
  // A SHIPBY_ variable nothing reads is most often a typo of one that is: say so.
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('SHIPBY_') && !(name in SETTINGS))
    .sort();
  return { settings, unknown };
}
