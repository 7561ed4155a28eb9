/**
 * The configuration (core/config.ts): every variable parsed and checked in one place; a bad value is named with
 * what is expected, in both languages; `shipby config` masks the secrets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, configProblems, effectiveConfig, setting, SETTINGS } from '../../src/core/config';

describe('configuration', () => {
  it('gives the defaults when nothing is set, and an empty value is the default', () => {
    expect(configProblems({})).toEqual([]);
    expect(setting({}, 'SHIPBY_RATE_LIMIT')).toBe(1200);
    expect(setting({ SHIPBY_RATE_LIMIT: '' }, 'SHIPBY_RATE_LIMIT')).toBe(1200);
    expect(setting({}, 'SHIPBY_PLAN_THREADS')).toBeUndefined();
    expect(setting({}, 'DATABASE_URL')).toBe('sqlite:./data/shipby.db');
  });

  it('parses the values it accepts', () => {
    expect(setting({ SHIPBY_RATE_LIMIT: '60' }, 'SHIPBY_RATE_LIMIT')).toBe(60);
    expect(setting({ SHIPBY_SWEEP_INTERVAL: '10m' }, 'SHIPBY_SWEEP_INTERVAL')).toBe(600_000);
    expect(setting({ SHIPBY_SWEEP_INTERVAL: '1500' }, 'SHIPBY_SWEEP_INTERVAL')).toBe(1500);
    expect(setting({ SHIPBY_REQUEST_TIMEOUT_MS: '2.5' }, 'SHIPBY_REQUEST_TIMEOUT_MS')).toBe(2.5);
    expect(setting({ SHIPBY_OUTBOX_WORKER: 'off' }, 'SHIPBY_OUTBOX_WORKER')).toBe('off');
    expect(setting({ DATABASE_URL: 'postgresql://u:p@h:5432/d' }, 'DATABASE_URL')).toBe('postgresql://u:p@h:5432/d');
  });

  it.each([
    ['SHIPBY_RATE_LIMIT', 'abc', 'a whole number greater than 0'],
    ['SHIPBY_RATE_LIMIT', '0', 'a whole number greater than 0'],
    ['SHIPBY_RATE_LIMIT', '-5', 'a whole number greater than 0'],
    ['SHIPBY_RATE_LIMIT', '1.5', 'a whole number greater than 0'],
    ['SHIPBY_REQUEST_TIMEOUT_MS', '0', 'a number greater than 0'],
    ['SHIPBY_SWEEP_INTERVAL', '10ms', 'an interval of at least 1 s'],
    ['SHIPBY_SWEEP_INTERVAL', 'soon', 'an interval of at least 1 s'],
    ['SHIPBY_OUTBOX_WORKER', 'maybe', 'one of: on, off'],
    ['DATABASE_URL', 'mysql://x', 'sqlite:PATH or postgres://'],
    ['LOG_LEVEL', 'loud', 'one of: fatal'],
  ] as const)('refuses %s=%s, naming it and what is expected, in both languages', (name, value, expected) => {
    const problems = configProblems({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.name).toBe(name);
    expect(problems[0]!.message.en).toContain(`${name} is "${value}": expected ${expected}`);
    expect(problems[0]!.message['zh-CN']).toContain(`${name} 的值为 "${value}"：应为`);
    expect(() => setting({ [name]: value }, name)).toThrow(ConfigError);
  });

  it('stops a start with every bad variable at once', () => {
    const error = (() => {
      try {
        checkConfig({ SHIPBY_RATE_LIMIT: 'abc', SHIPBY_PLAN_THREADS: '0', SHIPBY_LANG: 'en' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.name)).toEqual(['SHIPBY_RATE_LIMIT', 'SHIPBY_PLAN_THREADS']);
    expect((error as ConfigError).localizedMessage.en).toMatch(/nothing was started/);
    expect((error as ConfigError).localizedMessage['zh-CN']).toMatch(/未启动/);
  });

  it('accepts every positive whole number and refuses every text that is not one (whole-number settings)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (n) => setting({ SHIPBY_RATE_LIMIT: String(n) }, 'SHIPBY_RATE_LIMIT') === n,
      ),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !/^\d+$/.test(s) || Number(s) === 0),
        (text) => configProblems({ SHIPBY_PLAN_MAX_JOBS: text }).length === 1,
      ),
    );
  });

  it('prints the effective configuration with secrets and passwords masked, and names unknown SHIPBY_ variables', () => {
    const { settings, unknown } = effectiveConfig({
      SHIPBY_MASTER_KEY: 'c2VjcmV0',
      DATABASE_URL: 'postgres://shipby:hunter2@db:5432/shipby',
      SHIPBY_RATELIMIT: '5',
      HOME: '/root',
    });
    const byName = new Map(settings.map((s) => [s.name, s]));
    expect(byName.get('SHIPBY_MASTER_KEY')).toMatchObject({ value: '********', source: 'environment' });
    expect(byName.get('DATABASE_URL')).toMatchObject({
      value: 'postgres://shipby:***@db:5432/shipby',
      source: 'environment',
    });
    expect(byName.get('SHIPBY_RATE_LIMIT')).toMatchObject({ value: '1200', source: 'default' });
    expect(JSON.stringify(settings)).not.toContain('hunter2');
    expect(JSON.stringify(settings)).not.toContain('c2VjcmV0');
    expect(unknown).toEqual(['SHIPBY_RATELIMIT']);
    expect(settings.map((s) => s.name)).toEqual(Object.keys(SETTINGS));
  });

  it('SHIPBY_RATE_LIMIT_STORE=redis needs SHIPBY_REDIS_URL: unset or not a redis:// address stops the start naming it', () => {
    expect(configProblems({ SHIPBY_RATE_LIMIT_STORE: 'redis', SHIPBY_REDIS_URL: 'redis://127.0.0.1:6379/2' })).toEqual(
      [],
    );
    const unset = configProblems({ SHIPBY_RATE_LIMIT_STORE: 'redis' });
    expect(unset.map((p) => p.name)).toEqual(['SHIPBY_REDIS_URL']);
    expect(unset[0]!.message['zh-CN']).toContain('SHIPBY_REDIS_URL');
    expect(() => checkConfig({ SHIPBY_RATE_LIMIT_STORE: 'redis', SHIPBY_REDIS_URL: 'localhost:6379' })).toThrow(
      /SHIPBY_REDIS_URL is "localhost:6379": expected redis:\/\/HOST:PORT/,
    );
    // Without the redis store the address is not needed (and, when set, still checked).
    expect(configProblems({ SHIPBY_RATE_LIMIT_STORE: 'database' })).toEqual([]);
    const { settings } = effectiveConfig({ SHIPBY_REDIS_URL: 'redis://:s3cret@cache:6379' });
    expect(settings.find((s) => s.name === 'SHIPBY_REDIS_URL')?.value).toBe('redis://:***@cache:6379');
  });
});
