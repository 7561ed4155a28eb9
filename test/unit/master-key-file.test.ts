import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, ensureMasterKey, masterKeyFromEnv } from '../../src/app/secrets';

describe('the master key of a fresh installation (serve without SHIPBY_MASTER_KEY)', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-key-'));
    dirs.push(dir);
    return { SHIPBY_DATA_DIR: path.join(dir, 'data') } as NodeJS.ProcessEnv;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is made once, readable by its user only, and read back by every later process', () => {
    const env = fresh();
    const first = ensureMasterKey(env);
    expect(first).toMatchObject({ source: 'file', created: true });
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
    const key = masterKeyFromEnv(env);
    expect(key).toHaveLength(32);
    // A later start keeps it: what was sealed before still opens.
    const sealed = encryptSecret(key, 'carrier secret', 'carrier:*:secret');
    expect(ensureMasterKey(env)).toMatchObject({ source: 'file', created: false });
    expect(decryptSecret(masterKeyFromEnv(env), sealed, 'carrier:*:secret')).toBe('carrier secret');
  });

  it('SHIPBY_MASTER_KEY wins, and no file is made then', () => {
    const env = fresh();
    const set = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 97 + 13) % 251)).toString('base64');
    expect(ensureMasterKey({ ...env, SHIPBY_MASTER_KEY: set })).toEqual({ source: 'env', created: false });
    expect(fs.existsSync(path.join(env.SHIPBY_DATA_DIR!, 'master.key'))).toBe(false);
    expect(masterKeyFromEnv({ ...env, SHIPBY_MASTER_KEY: set }).toString('base64')).toBe(set);
  });

  it('without either, the error names the variable', () => {
    expect(() => masterKeyFromEnv(fresh())).toThrow(/SHIPBY_MASTER_KEY is not set/);
  });
});
