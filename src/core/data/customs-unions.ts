/**
 * Customs territories that declare nothing between their members: a parcel needs a customs declaration (CN22 on the
 * label) when it leaves the sender's territory. Data, not code: a country missing here is a territory of its own
 * (China, Hong Kong and Macao are three: a parcel from Shenzhen to Hong Kong is declared).
 */
export const CUSTOMS_UNIONS: Readonly<Record<string, readonly string[]>> = {
  // The EU customs union (and Monaco, which is in it through France).
  EU: [
    'AT',
    'BE',
    'BG',
    'CY',
    'CZ',
    'DE',
    'DK',
    'EE',
    'ES',
    'FI',
    'FR',
    'GR',
    'HR',
    'HU',
    'IE',
    'IT',
    'LT',
    'LU',
    'LV',
    'MT',
    'NL',
    'PL',
    'PT',
    'RO',
    'SE',
    'SI',
    'SK',
    'MC',
  ],
  // The Eurasian Economic Union.
  EAEU: ['AM', 'BY', 'KZ', 'KG', 'RU'],
  // The Southern African Customs Union.
  SACU: ['BW', 'LS', 'NA', 'SZ', 'ZA'],
};
