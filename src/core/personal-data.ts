/**
 * Buyers' personal data in logs (issue 10): phone numbers and addresses never reach a log line. Fields known to
 * hold them are replaced whole; in free text, anything shaped like a phone number is masked to its last two digits.
 */

/** Fields whose values are personal data wherever they appear (orders, senders, import rows, error details). */
export const PERSONAL_FIELDS = new Set([
  'phone',
  'buyer_phone',
  'mobile',
  'address',
  'address_line1',
  'address_line2',
  'addressLine1',
  'addressLine2',
  'street',
  'postcode',
  'zip',
  'buyer_name',
  'buyerName',
  'receiver',
  'contact_person',
  'detail_address',
]);

// A phone number: 7 to 15 digits, optionally led by + or a bracket and split by spaces, dots, dashes or brackets.
const PHONE = /(?<![\w.])\+?\(?(?:\d[\s().-]{0,2}){6,14}\d(?![\w])/g;

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '');
    // Dates, times and amounts are digit runs too; a phone has 7+ digits and no more than two separators in a row.
    if (digits.length < 7 || /^\d{4}-\d{2}-\d{2}/.test(match)) return match;
    return `***${digits.slice(-2)}`;
  });
}

export const MASKED = '[masked]';

/** A copy of a log record with personal fields replaced and phone numbers in strings masked. */
export function maskPersonalData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    const masked = new Error(maskPhoneNumbers(value.message));
    masked.name = value.name;
    if (value.stack) masked.stack = maskPhoneNumbers(value.stack);
    return masked;
  }
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      PERSONAL_FIELDS.has(key) && item !== null && item !== undefined && item !== ''
        ? MASKED
        : maskPersonalData(item, depth + 1);
  }
  return out;
}
