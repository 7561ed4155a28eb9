/**
 * The tracking providers' documented webhook samples (test/fixtures/tracking/README.md), signed the real way, each
 * produce the expected normalised events; a byte changed after signing is refused; a bare checkpoint time is read
 * in its country's zone or flagged, never dropped; one unreadable event is set aside, the others kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carrierOfProviderCode, providerCarrierCode } from '../../src/core/data/tracking-carriers';
import { readCheckpointTime } from '../../src/core/tracking/checkpoint-time';
import {
  afterShipSignature,
  afterShipWebhook,
  verifyAfterShipSignature,
} from '../../src/integrations/tracking/aftership';
import {
  MalformedPayloadError,
  parseJsonBody,
  parseWebhookBody,
  webhookAdapterFor,
} from '../../src/integrations/tracking/provider';
import {
  seventeenTrackSign,
  seventeenTrackWebhook,
  verifySeventeenTrackSign,
} from '../../src/integrations/tracking/seventeen-track';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/tracking', `${name}.json`), 'utf8');
const KEY = 'ak9Qm2LwX8pR4tZ7vB3nC6yD1eF5gH0j';
const iso = (ms: number) => new Date(ms).toISOString();

describe('17TRACK webhooks as 17TRACK signs and sends them', () => {
  const body = fixture('seventeen-v2.4-tracking-updated');

  it('verifies sign = SHA-256 hex of body + "/" + key, and refuses another key or a changed byte', () => {
    const sign = seventeenTrackSign(KEY, body);
    expect(sign).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySeventeenTrackSign(KEY, sign, body)).toBe(true);
    expect(verifySeventeenTrackSign(KEY, sign.toUpperCase(), body)).toBe(true);
    expect(verifySeventeenTrackSign(`${KEY}x`, sign, body)).toBe(false);
    expect(verifySeventeenTrackSign(KEY, undefined, body)).toBe(false);
    expect(verifySeventeenTrackSign(KEY, 'not-hex', body)).toBe(false);
  });

  it('refuses the body with any one byte changed after signing (property)', () => {
    const sign = seventeenTrackSign(KEY, body);
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 25 }), (at, delta) => {
        const changed =
          body.slice(0, at) + String.fromCharCode(((body.charCodeAt(at) - 32 + delta) % 95) + 32) + body.slice(at + 1);
        fc.pre(changed !== body);
        expect(verifySeventeenTrackSign(KEY, sign, changed)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('maps TRACKING_UPDATED to normalised events: carrier key 3011 is china-post, bare times read in their country', () => {
    const parsed = parseWebhookBody('seventeen', body, 0);
    expect(parsed.numbers).toEqual(['RR123456789CN']);
    expect(
      parsed.events.map((e) => [
        e.carrier,
        e.event.status,
        iso(e.event.occurredAt),
        e.event.rawSubstatus,
        e.event.destinationCountry,
      ]),
    ).toEqual([
      ['china-post', 'in_transit', '2026-11-07T18:20:00.000Z', 'InTransit_Arrival', 'ES'],
      ['china-post', 'in_transit', '2026-11-05T15:40:00.000Z', 'InTransit_Departure', 'ES'],
      // "2026-11-03T18:47:00" without offset, in China: Asia/Shanghai (China has one zone), not flagged.
      ['china-post', 'in_transit', '2026-11-03T10:47:00.000Z', 'InTransit_CustomsReleased', 'ES'],
      ['china-post', 'accepted', '2026-11-02T07:40:00.000Z', 'InTransit_PickedUp', 'ES'],
      ['china-post', 'label_created', '2026-11-02T01:12:00.000Z', 'InfoReceived', 'ES'],
    ]);
    // "2026-11-07T19:20:00" in Spain: read in Madrid's zone (the Canaries are an hour off), kept and flagged.
    expect(parsed.flagged).toEqual([
      { number: 'RR123456789CN', key: parsed.events[0]!.event.key, flag: 'no offset: read as Europe/Madrid' },
    ]);
    expect(parsed.setAside).toEqual([]);
  });

  it('takes TRACKING_STOPPED as news of a number without events, and knows a retry by its sign', () => {
    const stopped = fixture('seventeen-v2.4-tracking-stopped');
    expect(parseWebhookBody('seventeen', stopped, 0)).toMatchObject({ events: [], numbers: ['RR123456789CN'] });
    const sign = seventeenTrackSign(KEY, stopped);
    expect(seventeenTrackWebhook.identity(sign, parseJsonBody(stopped))).toBe(
      seventeenTrackWebhook.identity(sign.toUpperCase(), null),
    );
  });

  it('sets one unreadable event aside with its reason and keeps the others; refuses a body of another shape', () => {
    const json = JSON.parse(body);
    json.data.track_info.tracking.providers[0].events[1] = { stage: 'InTransit', description: 'no time' };
    json.data.track_info.tracking.providers[0].events[3] = 'garbled';
    const parsed = seventeenTrackWebhook.parse(json, 0);
    expect(parsed.events).toHaveLength(3);
    expect(parsed.setAside).toEqual([
      { number: 'RR123456789CN', index: 1, reason: 'the event has no readable time (time_iso, time_utc or time_raw)' },
      { number: 'RR123456789CN', index: 3, reason: 'the event is not an object' },
    ]);
    expect(() => seventeenTrackWebhook.parse({ event: 'TRACKING_UPDATED' }, 0)).toThrow(MalformedPayloadError);
    expect(() => seventeenTrackWebhook.parse({ data: {} }, 0)).toThrow(/\{event, data\}/);
    expect(() => parseWebhookBody('seventeen', '{"event":', 0)).toThrow(/not JSON/);
  });
});

describe('AfterShip webhooks as AfterShip signs and sends them', () => {
  const body = fixture('aftership-2025-01-webhook-tracking-update');

  it('verifies aftership-hmac-sha256 = base64 HMAC-SHA256 of the raw body, and refuses a changed byte (property)', () => {
    const signature = afterShipSignature(KEY, body);
    expect(Buffer.from(signature, 'base64')).toHaveLength(32);
    expect(verifyAfterShipSignature(KEY, signature, body)).toBe(true);
    expect(verifyAfterShipSignature('another-secret-0000', signature, body)).toBe(false);
    expect(verifyAfterShipSignature(KEY, signature.slice(0, -4), body)).toBe(false);
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), (at) => {
        const changed = body.slice(0, at) + (body[at] === 'a' ? 'b' : 'a') + body.slice(at + 1);
        expect(verifyAfterShipSignature(KEY, signature, changed)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("reads the documentation's sample: checkpoint_time without offset in the USA (several zones) kept as UTC, flagged", () => {
    const parsed = parseWebhookBody('aftership', body, 0);
    expect(
      parsed.events.map((e) => [
        e.trackingNumber,
        e.carrier,
        e.event.status,
        iso(e.event.occurredAt),
        e.event.rawStatus,
        e.event.rawSubstatus,
        e.event.location,
      ]),
    ).toEqual([
      [
        '9361289676091361892011',
        'usps',
        'label_created',
        '2021-01-02T14:01:00.000Z',
        'InfoReceived',
        'InfoReceived_001',
        'CARROLLTON, TX, 75006, USA',
      ],
      [
        '9361289676091361892011',
        'usps',
        'accepted',
        '2021-01-02T20:43:00.000Z',
        'InTransit',
        'InTransit_002',
        'COPPELL, TX, 75019, USA',
      ],
    ]);
    expect(parsed.flagged.map((f) => f.flag)).toEqual(['no offset: read as UTC', 'no offset: read as UTC']);
    expect(afterShipWebhook.identity('sig', parseJsonBody(body))).toBe('event:3f645f5e-530b-4062-8695-db6a64420af8');
  });

  it('reads a cross-border tracking: bare times in China and Spain, the garbled checkpoint set aside', () => {
    const parsed = webhookAdapterFor('aftership').parse(
      parseJsonBody(fixture('aftership-2025-01-webhook-cross-border')),
      0,
    );
    expect(parsed.events.map((e) => [e.carrier, iso(e.event.occurredAt), e.event.destinationCountry])).toEqual([
      ['cainiao', '2026-11-02T07:40:00.000Z', 'ES'],
      ['cainiao', '2026-11-03T10:47:00.000Z', 'ES'],
      ['cainiao', '2026-11-10T11:30:00.000Z', 'ES'],
    ]);
    expect(parsed.setAside).toEqual([
      { number: 'LP00512345678901', index: 3, reason: 'checkpoint_time "not a time" is not a date-time' },
    ]);
    expect(parsed.flagged).toHaveLength(1);
  });

  it('takes other events (edd_revise) without checkpoints, and refuses a body without msg', () => {
    expect(
      parseWebhookBody(
        'aftership',
        JSON.stringify({ event: 'edd_revise', event_id: 'e1', msg: { tracking_number: 'ab-12' } }),
        0,
      ),
    ).toMatchObject({ events: [], numbers: ['AB12'] });
    expect(() => parseWebhookBody('aftership', '{"event":"tracking_update"}', 0)).toThrow(/\{event, msg\}/);
    expect(() => parseWebhookBody('aftership', '{"event":"tracking_update","msg":{"checkpoints":[]}}', 0)).toThrow(
      /msg\.tracking_number/,
    );
  });
});

describe('checkpoint times and carrier codes (core)', () => {
  it('reads a bare time in the zone of a one-zone country exactly, whatever the instant (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(['CN', 8], ['JP', 9], ['IN', 5.5], ['SG', 8]),
        (ms, [country, hours]) => {
          const at = Math.floor(ms / 60_000) * 60_000;
          const local = new Date(at + (hours as number) * 3_600_000).toISOString().slice(0, 19);
          expect(readCheckpointTime(local, country as string)).toEqual({ at, basis: 'zone', zone: expect.any(String) });
        },
      ),
    );
  });

  it('keeps an offset as written, flags the rest, and reads nothing from a non-time', () => {
    expect(readCheckpointTime('2026-11-02T15:40:00+08:00', 'ES')).toEqual({
      at: Date.UTC(2026, 10, 2, 7, 40),
      basis: 'offset',
      zone: null,
    });
    expect(readCheckpointTime('2026-07-01T12:00:00', 'ES')).toEqual({
      at: Date.UTC(2026, 6, 1, 10),
      basis: 'main_zone',
      zone: 'Europe/Madrid',
    });
    expect(readCheckpointTime('2026-07-01T12:00:00', 'US')).toEqual({
      at: Date.UTC(2026, 6, 1, 12),
      basis: 'utc',
      zone: 'UTC',
    });
    expect(readCheckpointTime('2026-07-01T12:00:00', null)?.basis).toBe('utc');
    expect(readCheckpointTime('yesterday', 'CN')).toBeUndefined();
  });

  it("maps shipby's carriers to each provider's code and back", () => {
    expect(providerCarrierCode('seventeen', 'China-Post')).toBe(3011);
    expect(providerCarrierCode('seventeen', '4px')).toBe(190094);
    expect(providerCarrierCode('aftership', 'yunexpress')).toBe('yunexpress');
    expect(providerCarrierCode('seventeen', 'a carrier nobody knows')).toBeUndefined();
    expect(carrierOfProviderCode('seventeen', 190008)).toBe('yunexpress');
    expect(carrierOfProviderCode('aftership', 'spain-correos-es')).toBe('correos');
    expect(carrierOfProviderCode('seventeen', 999999)).toBe('999999');
  });
});
