/**
 * The dashboard's languages: one dictionary per locale (en.ts, zh-CN.ts, the same keys), a provider that
 * remembers the choice, and `t(key, params)`. Texts from the API arrive in both languages; `pick` chooses.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { setApiLocale, type Locale, type Localized } from '../api';
import { interpolate } from '../format';
import { useStored } from '../hooks';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** The user's side of a text the API gives in both languages. */
  pick: (text: Localized | null | undefined) => string;
  /** A value from the API (a state, an event kind) in words, or the value itself when it has none yet. */
  term: (group: string, value: string | null | undefined) => string;
  /** The browser's IANA zone: every time is shown in it. */
  userZone: string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function browserLocale(): Locale {
  return /^zh/i.test(navigator.language) ? 'zh-CN' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useStored('shipby.locale', browserLocale());
  const locale: Locale = stored === 'zh-CN' ? 'zh-CN' : 'en';
  setApiLocale(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = DICTIONARIES[locale]['app.title'];
  }, [locale]);
  const t = useCallback<Translate>((key, params) => interpolate(DICTIONARIES[locale][key] ?? key, params), [locale]);
  const value = useMemo<I18n>(() => {
    const dictionary = DICTIONARIES[locale] as Record<string, string>;
    return {
      locale,
      setLocale: (next) => setStored(next),
      t,
      pick: (text) => (text ? text[locale] || text.en : ''),
      term: (group, raw) => (raw ? (dictionary[`${group}.${raw}`] ?? raw.replace(/_/g, ' ')) : '—'),
      userZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    };
  }, [locale, setStored, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
