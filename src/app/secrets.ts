/**
 * Secrets at rest: AES-256-GCM under a master key from `SHIPBY_MASTER_KEY` (32 bytes, base64 or hex), else from the
 * key file `serve` creates on a fresh installation (`<SHIPBY_DATA_DIR>/master.key`, mode 0600), so a seller who only
 * ran `npm start` can still save a carrier account or connect a shop in the dashboard.
 * A ciphertext is `v1.<iv>.<tag>.<data>` (base64url); the additional authenticated data binds it to its owner and
 * field (e.g. `shop:demo:app_secret`), so a ciphertext copied onto another shop or column does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { localized, type Localized } from '../core/i18n';

export const MASTER_KEY_ENV = 'SHIPBY_MASTER_KEY';
const VERSION = 'v1';

/** A missing or malformed master key, or a ciphertext that does not open with it. */
export class SecretsError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'SecretsError';
  }
}

/** Reads the 32-byte master key: 64 hex digits, or base64 / base64url of 32 bytes. */
export function parseMasterKey(text: string | undefined): Buffer {
  const value = text?.trim();
  if (!value) {
    throw new SecretsError(
      localized(
        `${MASTER_KEY_ENV} is not set. Marketplace credentials are encrypted with it: set it to 32 random bytes, ` +
          `e.g. SHIPBY_MASTER_KEY=$(openssl rand -base64 32), and keep it safe — without it the stored secrets cannot be read.`,
        `未设置 ${MASTER_KEY_ENV}。店铺的平台凭据用它加密：请设置为 32 个随机字节，例如 SHIPBY_MASTER_KEY=$(openssl rand -base64 32)，` +
          `并妥善保管——丢失后已保存的密钥将无法解密。`,
      ),
    );
  }
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value))
    key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== 32) {
    throw new SecretsError(
      localized(
        `${MASTER_KEY_ENV} must be 32 bytes written as 64 hex digits or as base64 (it decodes to ${key?.length ?? 0} bytes).`,
        `${MASTER_KEY_ENV} 必须是 32 字节，写成 64 位十六进制或 base64（当前解码为 ${key?.length ?? 0} 字节）。`,
      ),
    );
  }
  if (isWeakKey(key)) {
    throw new SecretsError(
      localized(
        `${MASTER_KEY_ENV} is not random (all bytes alike, a short repeated pattern or a counting sequence): anyone could guess it. ` +
          `Set it to 32 random bytes, e.g. SHIPBY_MASTER_KEY=$(openssl rand -base64 32).`,
        `${MASTER_KEY_ENV} 不是随机的（字节全部相同、短模式重复或连续递增）：任何人都可能猜到。请设置为 32 个随机字节，例如 SHIPBY_MASTER_KEY=$(openssl rand -base64 32)。`,
      ),
    );
  }
  return key;
}

/**
 * A key nobody chose at random: fewer than 12 different byte values (32 random bytes have about 28; fewer than 12
 * happens by chance with a probability far below 1e-15), or bytes that step by a constant (00 01 02 …).
 */
export function isWeakKey(key: Buffer): boolean {
  if (new Set(key).size < 12) return true;
  const step = (key[1]! - key[0]! + 256) % 256;
  return key.every((b, i) => i === 0 || (b - key[i - 1]! + 256) % 256 === step);
}

export function masterKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  return parseMasterKey(env[MASTER_KEY_ENV] || readKeyFile(env));
}

/** Where `serve` keeps the master key it made when `SHIPBY_MASTER_KEY` is not set. */
export function masterKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.SHIPBY_DATA_DIR || './data', 'master.key');
}

function readKeyFile(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return fs.readFileSync(masterKeyFile(env), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A fresh installation without `SHIPBY_MASTER_KEY` gets a random key in its key file (readable by this user only);
 * answers where the key comes from, and `created` when it was made now (to say: back it up with the store).
 */
export function ensureMasterKey(env: NodeJS.ProcessEnv = process.env): {
  source: 'env' | 'file';
  file?: string;
  created: boolean;
} {
  if (env[MASTER_KEY_ENV]) return { source: 'env', created: false };
  const file = masterKeyFile(env);
  if (fs.existsSync(file)) {
    parseMasterKey(fs.readFileSync(file, 'utf8'));
    return { source: 'file', file, created: false };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { source: 'file', file, created: true };
}

export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    data.toString('base64url'),
  ].join('.');
}

export function decryptSecret(key: Buffer, ciphertext: string, context: string): string {
  const parts = ciphertext.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretsError(localized('A stored secret is not in a known format.', '已保存的密钥格式无法识别。'));
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretsError(
      localized(
        `A stored secret does not open with this ${MASTER_KEY_ENV}: the key changed, or the data was altered. Connect the shop again.`,
        `无法用当前的 ${MASTER_KEY_ENV} 解密已保存的密钥：密钥已更换或数据被改动。请重新连接店铺。`,
      ),
    );
  }
}

/** For display: the first and last characters only. */
export function maskSecret(value: string): string {
  if (value.length <= 6) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}…${value.slice(-2)}`;
}

/**
 * What each stored secret is bound to (the additional authenticated data): a ciphertext copied onto another row or
 * column does not open. One table, so `secrets rotate` re-encrypts each with the context it was sealed under.
 */
export const SECRET_CONTEXTS = {
  marketplace: (shopId: string, field: 'app_secret' | 'access_token' | 'refresh_token') => `shop:${shopId}:${field}`,
  carrier: (carrier: string) => `carrier:${carrier}:secret`,
  alertWebhook: (id: number) => `alert_webhook:${id}:secret`,
  trackingProvider: (name: string, field: 'webhook_secret' | 'api_key') => `tracking_provider:${name}:${field}`,
};

/** The process's master key: the context's own (the demo's), else SHIPBY_MASTER_KEY or the key file. */
export function masterKeyOf(ctx: { masterKey?: Buffer }): Buffer {
  return ctx.masterKey ?? masterKeyFromEnv();
}

/** Whether a stored value is a ciphertext of this module (else a secret stored in clear before it was encrypted). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}.`);
}

/** A stored secret in clear text: a ciphertext opened with the key (asked for only then), a value from before encryption as is. */
export function openStoredSecret(key: () => Buffer, stored: string, context: string): string {
  return isSealed(stored) ? decryptSecret(key(), stored, context) : stored;
}
