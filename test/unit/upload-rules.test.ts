import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  decryptSecret,
  encryptSecret,
  isWeakKey,
  maskSecret,
  parseMasterKey,
  SecretsError,
} from '../../src/app/secrets';
import {
  DEFAULT_RETRY_POLICY,
  afterFailure,
  nextAttemptAt,
  readbackVerdict,
  refuseNewUpload,
  sendTypeFor,
  uploadClosesAt,
  uploadPriority,
} from '../../src/core/upload-rules';
import {
  OUTAGE_FAILURE_THRESHOLD,
  OUTAGE_MIN_MS,
  countOutageFailures,
  outageNotice,
  outageTransition,
  type AvailabilitySignal,
} from '../../src/core/marketplace-outage';
import { parseInterval } from '../../src/jobs/scheduler';

describe('upload rules', () => {
  it('declares the last parcel `all` and nothing after it, and a number once per order', () => {
    expect(sendTypeFor(false)).toBe('part');
    expect(sendTypeFor(true)).toBe('all');
    const queued = [{ trackingNumber: 'RR473124829CN', sendType: 'part' as const, status: 'delivered' }];
    expect(refuseNewUpload(queued, 'RR123456785CN')).toBeUndefined();
    expect(refuseNewUpload(queued, 'RR473124829CN')?.en).toMatch(/declared once/);
    expect(refuseNewUpload([...queued, { trackingNumber: 'X', sendType: 'all', status: 'pending' }], 'Y')?.en).toMatch(
      /last parcel/,
    );
    // A cancelled upload no longer counts.
    expect(refuseNewUpload([{ trackingNumber: 'X', sendType: 'all', status: 'cancelled' }], 'X')).toBeUndefined();
  });

  it('reads the platform order back into one verdict', () => {
    const base = {
      trackingNumber: 'rr 473124829 cn',
      declaredNumbers: [] as string[],
      declarable: true,
      platformState: 'awaiting_shipment' as const,
    };
    expect(
      readbackVerdict({ ...base, declaredNumbers: ['RR473124829CN'], declarable: false, platformState: undefined }),
    ).toBe('already_declared');
    expect(readbackVerdict(base)).toBe('send');
    expect(readbackVerdict({ ...base, declarable: false, platformState: 'completed' })).toBe('order_closed');
    expect(readbackVerdict({ ...base, declarable: false, platformState: 'cancelled' })).toBe('order_closed');
    expect(readbackVerdict({ ...base, declarable: false, platformState: 'shipped' })).toBe('all_declared');
    expect(readbackVerdict({ ...base, declarable: false, platformState: 'new' })).toBe('wait');
  });

  it('backs off exponentially, honours Retry-After, and stays short near the deadline', () => {
    const { baseDelayMs } = DEFAULT_RETRY_POLICY;
    // A first transient failure (not a call limit) is retried after 0.5–1 s; a call limit after its ban, spread over
    // the next half step; the step doubles per failure.
    expect(
      [0, 0.5, 0.999].map((random) =>
        nextAttemptAt({ now: 0, attempt: 1, policy: DEFAULT_RETRY_POLICY, deadlineAt: null, random }),
      ),
    ).toEqual([500, 750, 999]);
    expect(
      [0, 0.5, 0.999].map((random) =>
        nextAttemptAt({
          now: 0,
          attempt: 1,
          policy: DEFAULT_RETRY_POLICY,
          deadlineAt: null,
          random,
          retryAfterMs: 1000,
        }),
      ),
    ).toEqual([1000, 1250, 1499]);
    expect(nextAttemptAt({ now: 0, attempt: 3, policy: DEFAULT_RETRY_POLICY, deadlineAt: null, random: 0 })).toBe(2000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
        (attempt, random, retryAfter) => {
          const retryAfterMs = retryAfter ?? 0;
          // The spread after a stated wait: less than half a first step.
          const spread = retryAfter === undefined ? 0 : baseDelayMs / 2;
          const now = 1_000_000;
          const far = nextAttemptAt({
            now,
            attempt,
            policy: DEFAULT_RETRY_POLICY,
            deadlineAt: now + 30 * 86_400_000,
            random,
            retryAfterMs: retryAfter,
          });
          const near = nextAttemptAt({
            now,
            attempt,
            policy: DEFAULT_RETRY_POLICY,
            deadlineAt: now + 3_600_000,
            random,
            retryAfterMs: retryAfter,
          });
          const step = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          expect(far - now).toBeGreaterThanOrEqual(Math.max(Math.floor(step / 2), retryAfterMs));
          expect(far - now).toBeLessThan(Math.max(step, retryAfterMs + spread) + 1);
          expect(near - now).toBeGreaterThanOrEqual(retryAfterMs);
          expect(near - now).toBeLessThan(Math.max(DEFAULT_RETRY_POLICY.urgentMaxDelayMs, retryAfterMs + spread) + 1);
          expect(near).toBeLessThanOrEqual(far);
        },
      ),
    );
    // Without a closing point (a buyer's notice), maxAttempts still bounds the tries.
    const noClosing = { permanent: false, now: 0, closesAt: null, policy: DEFAULT_RETRY_POLICY };
    expect(afterFailure({ ...noClosing, attempts: DEFAULT_RETRY_POLICY.maxAttempts - 1 })).toBe('retry');
    expect(afterFailure({ ...noClosing, attempts: DEFAULT_RETRY_POLICY.maxAttempts })).toBe('dead');
    // …except while the marketplace is down: a buyer's notice outlives the outage.
    expect(afterFailure({ ...noClosing, attempts: 100, duringOutage: true })).toBe('retry');
    expect(afterFailure({ ...noClosing, attempts: 100, duringOutage: true, permanent: true })).toBe('dead');
    expect(uploadPriority(5)).toBeLessThan(uploadPriority(null));
  });
});

describe('secrets at rest', () => {
  const strong = createHash('sha256').update('upload-rules key').digest();
  const key = parseMasterKey(strong.toString('base64'));

  it('reads the master key as hex or base64, and says clearly what is wrong', () => {
    expect(parseMasterKey(strong.toString('hex'))).toEqual(strong);
    expect(parseMasterKey(strong.toString('base64url'))).toEqual(strong);
    expect(() => parseMasterKey(undefined)).toThrow(SecretsError);
    expect(() => parseMasterKey(undefined)).toThrow(/SHIPBY_MASTER_KEY is not set/);
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(/32 bytes/);
  });

  it('refuses a weak master key (all zero, one byte repeated, a short pattern, a counting sequence) in both languages', () => {
    const weak = [
      Buffer.alloc(32),
      Buffer.alloc(32, 0xab),
      Buffer.from('deadbeef'.repeat(8), 'hex'),
      Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
      Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - 3 * i)),
    ];
    for (const k of weak) {
      for (const text of [k.toString('hex'), k.toString('base64')]) {
        const error = (() => {
          try {
            parseMasterKey(text);
          } catch (e) {
            return e as SecretsError;
          }
        })();
        expect(error, text).toBeInstanceOf(SecretsError);
        expect(error!.localizedMessage.en).toMatch(/not random/);
        expect(error!.localizedMessage['zh-CN']).toMatch(/不是随机的/);
      }
    }
    // Any key made of at most 11 different byte values is refused…
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 11 }),
        fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
        (values, picks) => {
          expect(isWeakKey(Buffer.from(picks.map((p) => values[p % values.length]!)))).toBe(true);
        },
      ),
    );
    // …and random keys are accepted.
    for (let i = 0; i < 1000; i++) expect(isWeakKey(randomBytes(32))).toBe(false);
  });

  it('round-trips, never stores the plain text, and is bound to its owner and field', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (secret) => {
        const sealed = encryptSecret(key, secret, 'shop:a:app_secret');
        expect(decryptSecret(key, sealed, 'shop:a:app_secret')).toBe(secret);
        // (A string of a few characters may turn up by chance in any random text, the version prefix or the IV.)
        if (secret.length >= 8) expect(sealed.includes(secret)).toBe(false);
      }),
      { numRuns: 50 },
    );
    const sealed = encryptSecret(key, 'sEcReT-value', 'shop:a:app_secret');
    expect(encryptSecret(key, 'sEcReT-value', 'shop:a:app_secret')).not.toBe(sealed); // a fresh IV each time
    expect(() => decryptSecret(key, sealed, 'shop:b:app_secret')).toThrow(SecretsError);
    expect(() => decryptSecret(Buffer.alloc(32, 2), sealed, 'shop:a:app_secret')).toThrow(/does not open/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => decryptSecret(key, tampered, 'shop:a:app_secret')).toThrow(SecretsError);
    expect(maskSecret('sEcReT-value')).toBe('sEc…ue');
  });
});

describe('scheduler intervals', () => {
  it('reads ms, s, m and h', () => {
    expect(parseInterval(undefined, 600_000)).toBe(600_000);
    expect(parseInterval('10m', 0)).toBe(600_000);
    expect(parseInterval('90s', 0)).toBe(90_000);
    expect(parseInterval('1h', 0)).toBe(3_600_000);
    expect(parseInterval('5000', 0)).toBe(5000);
    expect(() => parseInterval('soon', 0)).toThrow(/not an interval/);
    expect(() => parseInterval('10ms', 0)).toThrow(/too short/);
  });
});

describe('an upload is never abandoned while its order can still be saved', () => {
  const HOUR = 3_600_000;
  const policy = DEFAULT_RETRY_POLICY;

  it('retries any run of transient failures before the closing point, at bounded steps, never past it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 * HOUR }),
        fc.integer({ min: 0, max: 96 }),
        fc.array(
          fc.record({
            waitMs: fc.integer({ min: 0, max: 2 * HOUR }),
            random: fc.double({ min: 0, max: 0.999, noNaN: true }),
            retryAfterMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (deadlineIn, closingHours, failures) => {
          const start = 1_700_000_000_000;
          const deadline = start + deadlineIn;
          const closesAt = uploadClosesAt(deadline, { closingHoursAfterDeadline: closingHours, graceHours: 0 })!;
          let now = start;
          let attempt = 0;
          for (const failure of failures) {
            now += failure.waitMs;
            if (now >= closesAt) break;
            attempt++;
            // However many attempts, a transient failure before the closing point is never dead.
            expect(afterFailure({ attempts: attempt, permanent: false, now, closesAt, policy })).toBe('retry');
            const next = nextAttemptAt({
              now,
              attempt,
              policy,
              deadlineAt: deadline,
              closesAt,
              retryAfterMs: failure.retryAfterMs,
              random: failure.random,
            });
            expect(next).toBeGreaterThanOrEqual(now);
            expect(next).toBeLessThanOrEqual(closesAt);
            // Near the deadline the next try stays near (unless the platform asked for longer).
            if (deadline - now <= policy.urgentWithinMs)
              expect(next - now).toBeLessThanOrEqual(
                Math.max(policy.urgentMaxDelayMs, (failure.retryAfterMs ?? 0) + policy.baseDelayMs / 2),
              );
          }
        },
      ),
    );
  });

  it("never tries before the platform's stated wait, and never after the closing point", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 24 * HOUR }),
        fc.option(fc.integer({ min: 1, max: 48 * HOUR }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 2 * HOUR }), { nil: undefined }),
        fc.boolean(),
        (attempt, random, deadlineIn, closesIn, retryAfterMs, outage) => {
          const now = 1_700_000_000_000;
          const closesAt = closesIn === null ? null : now + closesIn;
          const next = nextAttemptAt({
            now,
            attempt,
            policy,
            deadlineAt: now + deadlineIn,
            closesAt,
            retryAfterMs,
            random,
            alignMs: outage ? policy.urgentMaxDelayMs : undefined,
          });
          // The platform's stated wait (a call limit's ban) is honoured, unless the closing point comes first: then
          // the last chance to save the order is tried at it.
          const stated = now + (retryAfterMs ?? 0);
          expect(next).toBeGreaterThanOrEqual(closesAt === null ? stated : Math.min(stated, closesAt));
          if (closesAt !== null) expect(next).toBeLessThanOrEqual(closesAt);
          expect(next).toBeGreaterThan(now);
        },
      ),
    );
  });

  it('gives up a transient failure only once the order can no longer be saved, and a permanent refusal at once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 100 * HOUR }),
        fc.option(fc.integer({ min: 0, max: 200 * HOUR }), { nil: null }),
        (attempts, after, closesIn) => {
          const now = 1_700_000_000_000;
          const closesAt = closesIn === null ? null : now + closesIn;
          expect(afterFailure({ attempts, permanent: true, now, closesAt, policy })).toBe('dead');
          if (closesAt !== null)
            expect(afterFailure({ attempts, permanent: false, now: closesAt + after, closesAt, policy })).toBe('dead');
        },
      ),
    );
  });

  it('during an outage, retries come due together on a grid, never past the closing point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 3 * HOUR }),
        fc.integer({ min: 0, max: 29_999 }),
        fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
        (attempt, random, otherRandom, deadlineIn, offset, retryAfterMs) => {
          const align = policy.urgentMaxDelayMs;
          const now = 1_700_000_010_000 + offset;
          const deadline = now + deadlineIn;
          const aligned = nextAttemptAt({
            now,
            attempt,
            policy,
            deadlineAt: deadline,
            random,
            retryAfterMs,
            alignMs: align,
          });
          expect(aligned % align).toBe(0);
          expect(aligned).toBeGreaterThan(now);
          expect(aligned).toBeGreaterThanOrEqual(now + (retryAfterMs ?? 0));
          expect(aligned - now).toBeLessThanOrEqual(Math.max(policy.maxDelayMs, retryAfterMs ?? 0) + align);
          // Two urgent uploads tried in the same grid period come due at the same point, whatever their jitter.
          if (deadlineIn <= policy.urgentWithinMs && attempt >= 5 && retryAfterMs === undefined) {
            const other = nextAttemptAt({
              now: now - offset + ((offset * 7) % align),
              attempt,
              policy,
              deadlineAt: deadline,
              random: otherRandom,
              alignMs: align,
            });
            expect(other).toBe(aligned);
          }
          const closesAt = now + 1000;
          expect(
            nextAttemptAt({
              now,
              attempt,
              policy,
              deadlineAt: deadline,
              closesAt,
              random,
              alignMs: policy.urgentMaxDelayMs,
            }),
          ).toBeLessThanOrEqual(closesAt);
        },
      ),
    );
  });

  it('closes at the deadline plus the closing hours, else plus the grace', () => {
    expect(uploadClosesAt(1000, { closingHoursAfterDeadline: 96, graceHours: 12 })).toBe(1000 + 96 * HOUR);
    expect(uploadClosesAt(1000, { closingHoursAfterDeadline: null, graceHours: 12 })).toBe(1000 + 12 * HOUR);
    expect(uploadClosesAt(1000, undefined)).toBe(1000);
    expect(uploadClosesAt(null, { closingHoursAfterDeadline: 96, graceHours: 0 })).toBeNull();
  });
});

describe('marketplace outages', () => {
  it('begins after consecutive outage-like failures, and ends at the first answer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<AvailabilitySignal>('answered', 'outage', 'neutral'), { maxLength: 40 }),
        (signals) => {
          const count = countOutageFailures(0, signals);
          const lastAnswer = signals.lastIndexOf('answered');
          expect(count).toBe(signals.slice(lastAnswer + 1).filter((s) => s === 'outage').length);
        },
      ),
    );
    expect(outageTransition('up', OUTAGE_FAILURE_THRESHOLD - 1, false, OUTAGE_MIN_MS)).toBeUndefined();
    // Scattered faults in quick succession are not an outage; the same run lasting 30 s is.
    expect(outageTransition('up', OUTAGE_FAILURE_THRESHOLD, false, OUTAGE_MIN_MS - 1)).toBeUndefined();
    expect(outageTransition('up', OUTAGE_FAILURE_THRESHOLD, false, OUTAGE_MIN_MS)).toBe('outage_began');
    expect(outageTransition('down', 50, false, 60_000)).toBeUndefined();
    expect(outageTransition('down', 0, true, 0)).toBe('outage_ended');
    expect(outageNotice('aliexpress', '2026-12-06T23:00:00Z', null)['zh-CN']).toMatch(/速卖通/);
    expect(outageNotice('aliexpress', '2026-12-06T23:00:00Z', null).en).not.toMatch(
      /\.\/bin|shipby (outbox|sync|serve|order|retry) /,
    );
  });
});
