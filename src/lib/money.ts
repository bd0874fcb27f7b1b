// Amounts travel as integer minor units; how many digits follow the decimal point depends on
// the currency (HKD 2, JPY 0, KWD 3). ECMA-402 defines Intl's default fraction digits as the
// ISO 4217 minor unit, so Intl is the table: no list of our own to fall out of date.
import type { Money } from './session.js';

const formatters = new Map<string, Intl.NumberFormat>();
let knownCurrencies: Set<string> | undefined;

function formatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, format);
  }
  return format;
}

/** True for a currency code that Intl knows (ISO 4217, current and recent). */
export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  if (!supported) return true;
  knownCurrencies ??= new Set(supported('currency'));
  return knownCurrencies.has(code);
}

/** The ISO 4217 minor-unit exponent: 2 for HKD, 0 for JPY, 3 for KWD. */
export function minorUnitExponent(currency: string): number {
  return formatter('en', currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Formats integer minor units for display, e.g. `{ value: 12345, currency: 'HKD' }` → "HK$123.45". */
export function formatMoney({ value, currency }: Money, locale: string): string {
  const exponent = minorUnitExponent(currency);
  return formatter(locale, currency).format(value / 10 ** exponent);
}
