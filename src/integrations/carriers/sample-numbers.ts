/**
 * How the sample carrier numbers its parcels: each carrier's real format, so shipby's checks see what they would see
 * in production. Posts issue UPU S10 numbers with a correct check digit (`makeS10`); the others their own pattern
 * (marketplace-rules.md §4.2): Cainiao `LP` + 14 digits, YunExpress `YT` + 16 digits, 4PX `4PX` + 12 digits + `CN`,
 * Yanwen `U?` + 9 digits + `YP`, DHL Express 9 digits + a mod-7 check digit.
 */
import { makeS10 } from '../../core/tracking/s10';

/** The second letter the sample posts use after the service's first letter (RR registered, LX ePacket, EA EMS). */
const S10_SECOND_LETTER: Record<string, string> = { R: 'R', L: 'X', E: 'A', C: 'P', U: 'A', H: 'A', V: 'A', M: 'A' };

const POST_COUNTRY: Record<string, string> = { 'china-post': 'CN', 'china-ems': 'CN', usps: 'US' };

const SAMPLE_NUMBERED_CARRIERS = [
  'china-post',
  'china-ems',
  'usps',
  'cainiao',
  'yunexpress',
  '4px',
  'yanwen',
  'dhl',
] as const;

export function issuesNumbersFor(carrier: string): boolean {
  return (SAMPLE_NUMBERED_CARRIERS as readonly string[]).includes(carrier);
}

/**
 * The number for serial `serial` (a non-negative integer; each format keeps the digits it has room for).
 * `s10Letters`: the service's S10 indicator first letters (e.g. 'L' for ePacket); posts default to 'R'.
 */
export function issueTrackingNumber(carrier: string, serial: number, s10Letters?: string): string {
  const digits = (n: number) => String(serial % 10 ** n).padStart(n, '0');
  switch (carrier) {
    case 'china-post':
    case 'usps': {
      const first = (s10Letters ?? 'R')[0]!;
      return makeS10(digits(8), `${first}${S10_SECOND_LETTER[first] ?? 'A'}`, POST_COUNTRY[carrier]!);
    }
    case 'china-ems':
      return makeS10(digits(8), 'EA', 'CN');
    case 'cainiao':
      return `LP${digits(14)}`;
    case 'yunexpress':
      return `YT${digits(16)}`;
    case '4px':
      return `4PX${digits(12)}CN`;
    case 'yanwen':
      return `UE${digits(9)}YP`;
    case 'dhl': {
      // DHL Express waybill: 9-digit serial + check digit = serial mod 7 (jkeen/tracking_number_data "mod7").
      const body = String(100_000_000 + (serial % 900_000_000));
      return `${body}${Number(body) % 7}`;
    }
    default:
      throw new RangeError(`The sample carrier has no number format for "${carrier}".`);
  }
}
