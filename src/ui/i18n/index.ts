/**
 * Japanese and English, following the browser unless the user chose one. Every date
 * and time goes through Intl in the user's own time zone (the runtime's).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey } from '../../i18n/en.ts';
import { ja } from '../../i18n/ja.ts';

export type Lang = 'en' | 'ja';
export type LangChoice = Lang | 'auto';
export type { MessageKey };

const DICTS: Record<Lang, Readonly<Record<MessageKey, string>>> = { en, ja };
const STORAGE_KEY = 'eas-pwa.lang';

/** The first of the browser's languages that we have, else English. */
export function browserLang(languages: readonly string[] = navigator.languages): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ja' || base === 'en') return base;
  }
  return 'en';
}

export function loadLangChoice(): LangChoice {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'en' || v === 'ja' ? v : 'auto';
}

export function saveLangChoice(choice: LangChoice): void {
  if (choice === 'auto') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, choice);
}

export function resolveLang(choice: LangChoice): Lang {
  return choice === 'auto' ? browserLang() : choice;
}

export type Params = Readonly<Record<string, string | number>>;

export interface I18n {
  readonly lang: Lang;
  /** BCP 47 tag for Intl. */
  readonly locale: string;
  t(key: MessageKey, params?: Params): string;
  /** "14:05" or "午後2:05"-style time. */
  time(d: Date): string;
  /** A date with the weekday: "Tue, Nov 25" / "11月25日(火)". */
  date(d: Date): string;
  /** Date and time, medium. */
  dateTime(d: Date): string;
  /** Mail list style: time today, weekday this week, date otherwise. */
  short(d: Date, now?: Date): string;
  /** "5 minutes ago". */
  relative(d: Date, now?: Date): string;
  /** Month and year: "November 2025" / "2025年11月". */
  month(d: Date): string;
  /** Weekday names from Sunday, short. */
  weekdays(): string[];
  /** Number with grouping. */
  number(n: number): string;
  /** Byte size, "12 KB". */
  bytes(n: number): string;
}

/**
 * The text of `key` for `params.count`: a key may have variants by plural category
 * ("cal.reminderHours.one" for 1 in English, Intl.PluralRules), so no "1 hours";
 * Japanese has one form and needs none.
 */
export function pluralText(dict: Readonly<Record<string, string>>, key: string, rules: Intl.PluralRules, params?: Params): string {
  const count = params?.['count'];
  const n = typeof count === 'number' ? count : typeof count === 'string' ? Number(count.replace(/[^\d.-]/g, '')) : NaN;
  const variant = Number.isFinite(n) ? dict[`${key}.${rules.select(n)}`] : undefined;
  return variant ?? dict[key] ?? key;
}

export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

const DAY_MS = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function createI18n(lang: Lang): I18n {
  const dict = DICTS[lang];
  const locale = lang === 'ja' ? 'ja-JP' : 'en';
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, o);
  const timeF = f({ hour: 'numeric', minute: '2-digit' });
  const dateF = f({ weekday: 'short', month: 'short', day: 'numeric' });
  const dateYearF = f({ year: 'numeric', month: 'short', day: 'numeric' });
  const dateTimeF = f({ dateStyle: 'medium', timeStyle: 'short' });
  const weekdayF = f({ weekday: 'short' });
  const monthF = f({ year: 'numeric', month: 'long' });
  const plural = new Intl.PluralRules(locale);
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const num = new Intl.NumberFormat(locale);
  const unit = (u: string) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 1 });
  const kb = unit('kilobyte');
  const mb = unit('megabyte');
  const b = unit('byte');
  return {
    lang,
    locale,
    t: (key, params) => interpolate(pluralText(dict, key, plural, params), params),
    time: (d) => timeF.format(d),
    date: (d) => dateF.format(d),
    dateTime: (d) => dateTimeF.format(d),
    short(d, now = new Date()) {
      const days = (startOfDay(now) - startOfDay(d)) / DAY_MS;
      if (days === 0) return timeF.format(d);
      if (days > 0 && days < 7) return weekdayF.format(d);
      return d.getFullYear() === now.getFullYear() ? dateF.format(d) : dateYearF.format(d);
    },
    relative(d, now = new Date()) {
      const s = Math.round((d.getTime() - now.getTime()) / 1000);
      const abs = Math.abs(s);
      if (abs < 60) return rel.format(s, 'second');
      if (abs < 3600) return rel.format(Math.round(s / 60), 'minute');
      if (abs < DAY_MS / 1000) return rel.format(Math.round(s / 3600), 'hour');
      return dateTimeF.format(d);
    },
    month: (d) => monthF.format(d),
    weekdays: () => Array.from({ length: 7 }, (_, i) => weekdayF.format(new Date(2023, 0, 1 + i))),
    number: (n) => num.format(n),
    bytes: (n) => (n >= 1_048_576 ? mb.format(n / 1_048_576) : n >= 1024 ? kb.format(n / 1024) : b.format(n)),
  };
}

export const I18nContext = createContext<I18n>(createI18n('en'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
