/**
 * Every message a seller sees exists in English and Simplified Chinese.
 * Core code returns `Localized` values (or message keys with params); the edges pick the locale.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Localized {
  en: string;
  'zh-CN': string;
}

export function localized(en: string, zh: string): Localized {
  return { en, 'zh-CN': zh };
}

export function pickLocale(header: string | undefined | null): Locale {
  if (!header) return 'en';
  // `zh`, `zh-CN`, `zh-Hans` (Accept-Language) and `zh_CN.UTF-8` (LANG, where `_` would defeat a word boundary).
  return /(?:^|[^a-z])zh(?![a-z])/i.test(header) ? 'zh-CN' : 'en';
}

export function render(message: Localized, locale: Locale): string {
  return message[locale];
}

/** An error whose message a seller reads, in English and Chinese; subclasses (app/errors.ts) say which answer it is. */
export class LocalizedError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = new.target.name;
  }
}
