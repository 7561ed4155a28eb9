/**
 * Configuration validated at start, through the real command (compiled, ./bin/shipby): a bad value stops any
 * command before it does anything, naming the variable and what is expected in the chosen language; `shipby config`
 * prints the effective configuration with the secrets masked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { shipby } from '../support/processes';

const dir = tempDir();
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'config.db')}` };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('configuration at start', () => {
  it('stops a command on a bad value, with its name and what is expected, and touches nothing', async () => {
    const bad = await shipby(['orders'], { ...env, SHIPBY_RATE_LIMIT: 'abc' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SHIPBY_RATE_LIMIT is "abc": expected a whole number greater than 0');
    expect(bad.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'config.db'))).toBe(false);

    const zh = await shipby(['serve', '--port', '0'], { ...env, SHIPBY_RATE_LIMIT: '0', SHIPBY_LANG: 'zh-CN' });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('SHIPBY_RATE_LIMIT 的值为 "0"：应为大于 0 的整数');
  });

  it('prints the effective configuration with secrets masked', async () => {
    const shown = await shipby(['config', '--json'], {
      ...env,
      SHIPBY_MASTER_KEY: 'bm90LWEtcmVhbC1rZXk=',
      SHIPBY_RATE_LIMIT: '60',
      SHIPBY_RATELIMT: '5',
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain('bm90LWEtcmVhbC1rZXk=');
    const parsed = JSON.parse(shown.stdout) as {
      settings: Array<{ name: string; value: string; source: string }>;
      unknown: string[];
    };
    const byName = new Map(parsed.settings.map((s) => [s.name, s]));
    expect(byName.get('SHIPBY_MASTER_KEY')).toMatchObject({ value: '********', source: 'environment' });
    expect(byName.get('SHIPBY_RATE_LIMIT')).toMatchObject({ value: '60', source: 'environment' });
    expect(byName.get('SHIPBY_SWEEP_INTERVAL')).toMatchObject({ value: '60000', source: 'default' });
    expect(parsed.unknown).toContain('SHIPBY_RATELIMT');

    const wrong = await shipby(['config'], { ...env, SHIPBY_SWEEP_INTERVAL: 'soon' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('SHIPBY_SWEEP_INTERVAL');
    expect(wrong.stderr).toContain('SHIPBY_SWEEP_INTERVAL is "soon": expected an interval of at least 1 s');
  });
});
