// Hong Kong shoppers read Traditional Chinese; a page or browser that says zh-TW, zh-MO or
// zh-Hant wants the same script, and plain "zh", zh-SG or zh-Hans wants Simplified.

export const LOCALES = ['en', 'zh-HK', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The first supported locale that matches one of `candidates` (BCP 47 tags, best first); `en` otherwise. */
export function matchLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const tag = candidate.toLowerCase();
    if (tag === 'zh' || tag.startsWith('zh-')) {
      return /^zh-(hk|tw|mo|hant)\b/.test(tag) ? 'zh-HK' : 'zh-CN';
    }
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}
