/**
 * Password hashes with scrypt (Node's crypto, memory-hard): `scrypt$N$r$p$salt$hash`, parameters stored with the
 * hash so they can be raised later without locking anyone out. Random tokens (sessions, links, API keys) are
 * 256-bit and stored as SHA-256: a fast hash is right for them because they cannot be guessed.
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: 128 * options.N! * options.r! * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // With no stored hash we still spend the same time, so a missing user cannot be told from a wrong password.
  const [scheme, n, r, p, salt, hash] = (
    stored ?? `scrypt$${N}$${R}$${P}$${randomBytes(16).toString('base64url')}$`
  ).split('$');
  if (scheme !== 'scrypt' || !salt) return false;
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  const expected = Buffer.from(hash ?? '', 'base64url');
  return stored !== null && expected.length === key.length && timingSafeEqual(expected, key);
}

export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A password for `user add` / `reset-password` when none is given: 20 characters, shown once. */
export function generatedPassword(): string {
  return randomBytes(15).toString('base64url');
}
