import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FAILED_LOGINS_BEFORE_LOCK,
  lockoutAfter,
  PERMISSIONS,
  roleAllows,
  ROLES,
  shopsAllowing,
} from '../../src/core/access';
import { MASKED, maskPersonalData, maskPhoneNumbers } from '../../src/core/personal-data';
import { hashPassword, verifyPassword } from '../../src/app/passwords';

describe('roles and permissions', () => {
  it('gives the owner everything and each other role a strict subset', () => {
    for (const p of PERMISSIONS) expect(roleAllows('owner', p)).toBe(true);
    expect(roleAllows('manager', 'owner')).toBe(false);
    expect(roleAllows('packer', 'stock:write')).toBe(false);
    expect(roleAllows('packer', 'pack')).toBe(true);
    expect(roleAllows('viewer', 'orders:write')).toBe(false);
    expect(
      PERMISSIONS.filter((p) => p.endsWith(':write') || p === 'pack' || p === 'owner').some((p) =>
        roleAllows('viewer', p),
      ),
    ).toBe(false);
  });

  it('finds the shops where a permission is held', () => {
    const roles = new Map([
      ['a', 'packer'],
      ['b', 'manager'],
      ['c', 'viewer'],
    ] as const);
    expect(shopsAllowing(roles, 'stock:write')).toEqual(['b']);
    expect(shopsAllowing(roles, 'orders:read')).toEqual(['a', 'b', 'c']);
    expect(shopsAllowing(roles, 'owner')).toEqual([]);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom(...ROLES)),
        fc.constantFrom(...PERMISSIONS),
        (dict, permission) => {
          const shops = shopsAllowing(new Map(Object.entries(dict)), permission);
          return (
            shops.every((s) => roleAllows(dict[s]!, permission)) &&
            Object.entries(dict).every(([s, r]) => roleAllows(r, permission) === shops.includes(s))
          );
        },
      ),
    );
  });

  it('locks out from the fifth wrong password, for a time that grows and is capped', () => {
    expect(lockoutAfter(FAILED_LOGINS_BEFORE_LOCK - 1)).toBe(0);
    expect(lockoutAfter(FAILED_LOGINS_BEFORE_LOCK)).toBe(60_000);
    expect(lockoutAfter(FAILED_LOGINS_BEFORE_LOCK + 1)).toBe(120_000);
    expect(lockoutAfter(200)).toBe(24 * 3_600_000);
  });
});

describe('passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });
});

describe('personal data in logs', () => {
  it('masks phone numbers in text but keeps order ids, dates, tracking numbers and amounts', () => {
    expect(maskPhoneNumbers('call +33 6 12 34 56 78 now')).toBe('call ***78 now');
    expect(maskPhoneNumbers('tel 13812345678')).toBe('tel ***78');
    expect(maskPhoneNumbers('(555) 123-4567')).toBe('***67');
    for (const kept of [
      'order 8123456789012345',
      '2026-11-27T15:24:40Z',
      'LX123456789CN',
      'total 129.99 USD',
      'row 12, field phone',
    ])
      expect(maskPhoneNumbers(kept)).toBe(kept);
  });

  it('replaces personal fields at any depth and masks phones in messages and errors', () => {
    const record = {
      msg: 'upload failed for buyer +86 138 1234 5678',
      order: {
        id: 7,
        buyer_name: 'Ana',
        address_line1: 'Av. Paulista 1',
        phone: '+55 11 91234 5678',
        city: 'São Paulo',
        buyer_country: 'BR',
      },
      err: new Error('phone 13812345678 invalid'),
    };
    const masked = maskPersonalData(record) as typeof record;
    expect(masked.msg).toBe('upload failed for buyer ***78');
    expect(masked.order).toEqual({
      id: 7,
      buyer_name: MASKED,
      address_line1: MASKED,
      phone: MASKED,
      city: 'São Paulo',
      buyer_country: 'BR',
    });
    expect((masked.err as Error).message).toBe('phone ***78 invalid');
    expect(JSON.stringify(masked)).not.toMatch(/Paulista|91234/);
  });
});
