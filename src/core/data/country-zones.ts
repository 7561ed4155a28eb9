/**
 * The time zone of a country that has one (alpha-2 → IANA zone), to read a carrier's checkpoint time written without
 * an offset. Source: the IANA tz database `zone1970.tab` (https://data.iana.org/time-zones/tzdb/zone1970.tab): a
 * country listed there with a single zone. Countries with several zones (US, CA, BR, RU, AU, MX, KZ, ID, …) are
 * left out on purpose: their zone is not known from the country alone, so such a time is flagged instead.
 */
export const SINGLE_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
  AE: 'Asia/Dubai',
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  BG: 'Europe/Sofia',
  BY: 'Europe/Minsk',
  CH: 'Europe/Zurich',
  CN: 'Asia/Shanghai',
  CY: 'Asia/Nicosia',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  EE: 'Europe/Tallinn',
  EG: 'Africa/Cairo',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  GR: 'Europe/Athens',
  HK: 'Asia/Hong_Kong',
  HR: 'Europe/Zagreb',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IL: 'Asia/Jerusalem',
  IN: 'Asia/Kolkata',
  IS: 'Atlantic/Reykjavik',
  IT: 'Europe/Rome',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  KW: 'Asia/Riyadh',
  LT: 'Europe/Vilnius',
  LU: 'Europe/Luxembourg',
  LV: 'Europe/Riga',
  MA: 'Africa/Casablanca',
  MD: 'Europe/Chisinau',
  MT: 'Europe/Malta',
  MY: 'Asia/Kuching',
  NG: 'Africa/Lagos',
  NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo',
  PE: 'America/Lima',
  PH: 'Asia/Manila',
  PK: 'Asia/Karachi',
  PL: 'Europe/Warsaw',
  QA: 'Asia/Qatar',
  RO: 'Europe/Bucharest',
  RS: 'Europe/Belgrade',
  SA: 'Asia/Riyadh',
  SE: 'Europe/Stockholm',
  SG: 'Asia/Singapore',
  SI: 'Europe/Ljubljana',
  SK: 'Europe/Bratislava',
  TH: 'Asia/Bangkok',
  TR: 'Europe/Istanbul',
  TW: 'Asia/Taipei',
  UA: 'Europe/Kyiv',
  UY: 'America/Montevideo',
  VN: 'Asia/Ho_Chi_Minh',
  ZA: 'Africa/Johannesburg',
  CO: 'America/Bogota',
};

/**
 * Countries with several zones where one holds nearly everyone (Spain's mainland beside the Canaries, Portugal's
 * beside the Azores, New Zealand's beside the Chathams, …): a bare time is read in that zone but flagged, since it may
 * be an hour off.
 */
export const MAIN_ZONES: Readonly<Record<string, string>> = {
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  NZ: 'Pacific/Auckland',
  CL: 'America/Santiago',
  AR: 'America/Argentina/Buenos_Aires',
  MY: 'Asia/Kuala_Lumpur',
  EC: 'America/Guayaquil',
};
