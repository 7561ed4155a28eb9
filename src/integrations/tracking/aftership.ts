/**
 * AfterShip webhooks: `{event, msg: {tracking_number, slug, tag, subtag, destination_country_iso3 |
 * destination_country_region, checkpoints: [{checkpoint_time, tag, subtag, message, location}]}}`. Checkpoints have
 * no id: their identity is their time and subtag. AfterShip names countries by ISO alpha-3; shipby by alpha-2.
 */
import { parseInstant } from '../../core/time';
import { eventKeyOf, fromAfterShip } from '../../core/tracking-status';
import { MalformedPayloadError, normaliseNumber, type ParsedDelivery } from './types';

/** Alpha-3 → alpha-2 for the destinations cross-border sellers ship to; an unknown code means "destination unknown". */
const ALPHA3: Record<string, string> = {
  ARE: 'AE', ARG: 'AR', AUS: 'AU', AUT: 'AT', BEL: 'BE', BGR: 'BG', BLR: 'BY', BRA: 'BR', CAN: 'CA', CHE: 'CH', CHL: 'CL',
  CHN: 'CN', COL: 'CO', CYP: 'CY', CZE: 'CZ', DEU: 'DE', DNK: 'DK', EGY: 'EG', ESP: 'ES', EST: 'EE', FIN: 'FI', FRA: 'FR',
  GBR: 'GB', GRC: 'GR', HKG: 'HK', HRV: 'HR', HUN: 'HU', IDN: 'ID', IND: 'IN', IRL: 'IE', ISL: 'IS', ISR: 'IL', ITA: 'IT',
  JPN: 'JP', KAZ: 'KZ', KOR: 'KR', KWT: 'KW', LTU: 'LT', LUX: 'LU', LVA: 'LV', MAR: 'MA', MDA: 'MD', MEX: 'MX', MLT: 'MT',
  MYS: 'MY', NGA: 'NG', NLD: 'NL', NOR: 'NO', NZL: 'NZ', PAK: 'PK', PER: 'PE', PHL: 'PH', POL: 'PL', PRT: 'PT', QAT: 'QA',
  ROU: 'RO', RUS: 'RU', SAU: 'SA', SGP: 'SG', SRB: 'RS', SVK: 'SK', SVN: 'SI', SWE: 'SE', THA: 'TH', TUR: 'TR', TWN: 'TW',
  UKR: 'UA', URY: 'UY', USA: 'US', UZB: 'UZ', VNM: 'VN', ZAF: 'ZA',
};

export function alpha2Of(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const upper = code.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return upper;
  return ALPHA3[upper] ?? null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

export function parseAfterShipWebhook(json: unknown): ParsedDelivery {
  if (typeof json !== 'object' || json === null) throw new MalformedPayloadError('expected {event, msg}');
  const msg = (json as { msg?: unknown }).msg;
  if (typeof msg !== 'object' || msg === null) throw new MalformedPayloadError('msg is missing');
  const m = msg as Record<string, unknown>;
  const rawNumber = text(m.tracking_number);
  if (!rawNumber) throw new MalformedPayloadError('msg.tracking_number is missing');
  const number = normaliseNumber(rawNumber);
  const carrier = (text(m.slug) ?? '').toLowerCase();
  const destination = alpha2Of(m.destination_country_region ?? m.destination_country_iso3);
  const checkpoints = m.checkpoints ?? [];
  if (!Array.isArray(checkpoints)) throw new MalformedPayloadError('msg.checkpoints is not a list');
  const result: ParsedDelivery = { events: [], numbers: [number], unknownCodes: 0 };
  for (const raw of checkpoints) {
    if (typeof raw !== 'object' || raw === null) throw new MalformedPayloadError('a checkpoint is not an object');
    const c = raw as Record<string, unknown>;
    const timeText = text(c.checkpoint_time);
    const occurredAt = timeText ? parseInstant(timeText) : undefined;
    if (occurredAt === undefined) throw new MalformedPayloadError(`a checkpoint of ${number} has no checkpoint_time with a zone`);
    const tag = text(c.tag);
    const subtag = text(c.subtag);
    const status = fromAfterShip(tag, subtag);
    if (!status) {
      result.unknownCodes++;
      continue;
    }
    result.events.push({
      trackingNumber: number,
      carrier,
      event: {
        key: eventKeyOf(text(c.id), occurredAt, subtag ?? tag),
        occurredAt,
        status,
        rawStatus: tag,
        rawSubstatus: subtag,
        description: text(c.message),
        location: text(c.location) ?? text(c.city),
        destinationCountry: destination,
      },
    });
  }
  return result;
}
