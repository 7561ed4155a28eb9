/**
 * The one way shipby writes a span of time for people: days and hours once it is a day or more ("2 d 4 h" /
 * "2天4小时"), hours and minutes under a day ("3 h 20 min" / "3小时20分钟"), minutes under an hour. Rounded at the
 * smallest unit shown, so never "1 h 60 min" nor "17280 min". Cheap (no Intl per call): verdicts call it per order.
 */
import { localized, type Localized } from './i18n';

export interface Bilingual {
  en: string;
  zh: string;
}

export function durationText(ms: number): Bilingual {
  const totalMinutes = Math.round(Math.abs(ms) / 60_000);
  if (totalMinutes >= 1440) {
    // Rounded once, from the span itself (rounding the rounded minutes again could drift past half an hour).
    const totalHours = Math.round(Math.abs(ms) / 3_600_000);
    const days = Math.floor(totalHours / 24);
    const hours = totalHours % 24;
    return hours > 0
      ? { en: `${days} d ${hours} h`, zh: `${days}天${hours}小时` }
      : { en: `${days} d`, zh: `${days}天` };
  }
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours > 0)
    return minutes > 0
      ? { en: `${hours} h ${minutes} min`, zh: `${hours}小时${minutes}分钟` }
      : { en: `${hours} h`, zh: `${hours}小时` };
  return { en: `${minutes} min`, zh: `${minutes}分钟` };
}

/** The same as a Localized message part. */
export function durationLocalized(ms: number): Localized {
  const text = durationText(ms);
  return localized(text.en, text.zh);
}

/** Time left, with a minus sign when overdue ("-1 d 2 h"). */
export function timeLeftLocalized(ms: number): Localized {
  const text = durationLocalized(ms);
  return ms < 0 && Math.round(-ms / 60_000) > 0 ? localized(`-${text.en}`, `-${text['zh-CN']}`) : text;
}
