/**
 * SAMPLE destination groups shared by the sample carrier services. Real carriers publish their own zone charts;
 * sellers import those with their contract rates.
 */
export const NORTH_AMERICA = ['US', 'CA'] as const;
export const WESTERN_EUROPE = [
  'GB',
  'DE',
  'FR',
  'NL',
  'BE',
  'LU',
  'AT',
  'IE',
  'IT',
  'ES',
  'PT',
  'DK',
  'SE',
  'FI',
  'CH',
  'NO',
] as const;
export const EASTERN_EUROPE = ['PL', 'CZ', 'SK', 'HU', 'RO', 'BG', 'GR', 'HR', 'SI', 'LT', 'LV', 'EE'] as const;
export const CIS = ['RU', 'UA', 'BY', 'KZ', 'UZ'] as const;
export const LATIN_AMERICA = ['BR', 'MX', 'CL', 'CO', 'PE', 'AR'] as const;
export const ASIA_PACIFIC = ['JP', 'KR', 'SG', 'MY', 'TH', 'PH', 'VN', 'ID', 'AU', 'NZ'] as const;
export const MIDDLE_EAST = ['SA', 'AE', 'IL', 'TR', 'QA', 'KW'] as const;

export const EVERY_OTHER = ['*'] as const;

export const MON_TO_SAT = [1, 2, 3, 4, 5, 6];
export const MON_TO_FRI = [1, 2, 3, 4, 5];
export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
