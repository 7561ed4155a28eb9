/**
 * The pure rules of keeping a shop authorised (core/shop-authorisation.ts): when the owner is warned that the
 * authorisation ends, the alert's once-per-authorisation key, the warning's wording, and what a token refused in use
 * leads to (refresh once, or pause).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { platformName } from '../../src/core/marketplace-outage';
import {
  authorisationEnding,
  DEFAULT_ENDING_WARN_MS,
  endingAlertKey,
  endingNotice,
  RECENTLY_ISSUED_MS,
  renewalAfterRefusal,
} from '../../src/core/shop-authorisation';

const DAY = 86_400_000;

describe('the authorisation-ending warning', () => {
  it('starts 7 days before the refresh token ends and stays until it is replaced; never without a refresh token', () => {
    const end = Date.UTC(2027, 0, 30);
    expect(authorisationEnding({ refreshExpiresAt: end }, end - 8 * DAY)).toBe(false);
    expect(authorisationEnding({ refreshExpiresAt: end }, end - 7 * DAY)).toBe(true);
    expect(authorisationEnding({ refreshExpiresAt: end }, end + DAY)).toBe(true);
    expect(authorisationEnding({ refreshExpiresAt: null }, end)).toBe(false);
    expect(DEFAULT_ENDING_WARN_MS).toBe(7 * DAY);
  });

  it('once warned, stays warned as time passes (monotonic), for any end and window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.integer({ min: 0, max: 60 * DAY }),
        (end, warn, at, later) => {
          if (authorisationEnding({ refreshExpiresAt: end }, at, warn))
            expect(authorisationEnding({ refreshExpiresAt: end }, at + later, warn)).toBe(true);
        },
      ),
    );
  });

  it('is keyed per authorisation: the same end gives the same key, a new consent a new one', () => {
    expect(endingAlertKey('demo', 1000)).toBe(endingAlertKey('demo', 1000));
    expect(endingAlertKey('demo', 1000)).not.toBe(endingAlertKey('demo', 2000));
    expect(endingAlertKey('demo', 1000)).not.toBe(endingAlertKey('other', 1000));
  });

  it('says when, and to click Connect in Settings → Shops, in both languages, naming no command', () => {
    const message = endingNotice('demo', platformName('aliexpress'), '2027-01-30T00:00:00.000Z');
    expect(message.en).toContain('2027-01-30T00:00:00.000Z');
    expect(message.en).toContain('Settings → Shops');
    expect(message.en).toContain('click Connect');
    expect(message['zh-CN']).toContain('「设置 → 店铺」中点击「连接」');
    expect(message['zh-CN']).toContain('2027-01-30T00:00:00.000Z');
    expect(`${message.en} ${message['zh-CN']}`).not.toMatch(/shipby [a-z]|\/shops\//);
  });
});

describe('a token refused in use', () => {
  const now = Date.UTC(2026, 11, 7);
  it('is refreshed once when a refresh token is there and the refused token is not brand new', () => {
    expect(
      renewalAfterRefusal({ hasRefreshToken: true, issuedAt: now - DAY, refreshExpiresAt: now + 10 * DAY }, now),
    ).toBe('refresh');
    expect(renewalAfterRefusal({ hasRefreshToken: true, issuedAt: null, refreshExpiresAt: null }, now)).toBe('refresh');
  });
  it('pauses the shop when nothing can renew it', () => {
    expect(renewalAfterRefusal({ hasRefreshToken: false, issuedAt: now - DAY, refreshExpiresAt: null }, now)).toBe(
      'pause',
    );
    expect(renewalAfterRefusal({ hasRefreshToken: true, issuedAt: now - DAY, refreshExpiresAt: now }, now)).toBe(
      'pause',
    );
    // a token issued minutes ago (by a refresh or a consent) and already refused: another refresh would not help
    expect(
      renewalAfterRefusal(
        { hasRefreshToken: true, issuedAt: now - RECENTLY_ISSUED_MS + 1, refreshExpiresAt: now + DAY },
        now,
      ),
    ).toBe('pause');
  });
});
