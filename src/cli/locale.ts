import { pickLocale, type Locale } from '../core/i18n';

/** The language of command output: SHIPBY_LANG, else the system's (LC_ALL, LANG). Light: read before any command loads. */
export function cliLocale(): Locale {
  return pickLocale(process.env.SHIPBY_LANG || process.env.LC_ALL || process.env.LANG);
}
