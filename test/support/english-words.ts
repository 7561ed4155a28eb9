/**
 * English left in a Chinese rendering (issue 17): the words of a screen's text that are English words rather than
 * codes, names, units or numbers. What is allowed: anything in `names` (what the seller typed: shop, addresses,
 * customs descriptions; the buyer's data), e-mail addresses, URLs, IANA zones, codes (all capitals, or with a digit,
 * `_` or `-`: LAMP-01, WAIT_SELLER_SEND_GOODS, aliexpress_pop, china-post), and the brand and unit words below.
 * A screen's `<code>` elements are codes too: SCREEN_TEXT leaves them out of the page's text.
 */
const BRANDS_AND_UNITS = new Set(
  [
    // the product, platforms, carriers, tracking providers and vendor field names (AppKey), the language switch's own name
    'shipby',
    'AliExpress',
    'aliexpress',
    'YunExpress',
    'Cainiao',
    'DHL',
    'ePacket',
    'Shopee',
    'Temu',
    'TikTok',
    // tracking providers (17TRACK passes as a code)
    'AfterShip',
    'AppKey',
    'Webhook',
    // databases
    'SQLite',
    'PostgreSQL',
    'English',
    // HTTP and time-zone codes, keys on the keyboard
    'Bearer',
    'Authorization',
    'GMT',
    'UTC',
    'Esc',
    'Enter',
    'g',
    'kg',
    'mm',
    'cm',
    'h',
    'd',
    'min',
    's',
    'ms',
    'KB',
    'MB',
    'x',
  ].map((w) => w.toLowerCase()),
);

/** Brand names of more than one word, and the platforms' field names (App Key, App Secret). */
const BRAND_PHRASES = ['TikTok Shop', 'e 邮宝', 'e邮宝', 'App Key', 'App Secret'];

export function englishWords(text: string, names: readonly string[] = []): string[] {
  let rest = text;
  for (const phrase of BRAND_PHRASES) rest = rest.split(phrase).join(' ');
  for (const name of [...names].sort((a, b) => b.length - a.length)) if (name) rest = rest.split(name).join(' ');
  rest = rest
    .replace(/\S+@\S+/g, ' ') // e-mail addresses
    .replace(/\b(?:https?:\/\/|www\.)\S+/g, ' ') // URLs
    .replace(/\b[A-Z][a-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g, ' ') // IANA zones
    .replace(/[A-Za-z0-9]*[0-9_\-.#/:][A-Za-z0-9_\-.#/:]*/g, (token) => (/[A-Za-z]/.test(token) ? ' ' : token)); // codes
  const words = rest.match(/[A-Za-z][A-Za-z'’]*/g) ?? [];
  return [...new Set(words.filter((w) => w !== w.toUpperCase() && !BRANDS_AND_UNITS.has(w.toLowerCase())))];
}

/** The page's visible text without its `<code>` elements (carrier and service codes), for `englishWords`. */
export const SCREEN_TEXT = `(() => { const body = document.body.cloneNode(true); body.querySelectorAll('code, script, style').forEach((c) => c.remove()); document.documentElement.appendChild(body); body.style.position = 'absolute'; const text = body.innerText; body.remove(); return text; })()`;
