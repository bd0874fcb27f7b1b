// Every locale's strings are a chunk of their own: a shopper downloads only the language they
// read (the phone's gzip budget, issue 13). Until it arrives the element shows no text at all,
// rather than a flash of another language.
import type { Locale } from '../lib/locale.js';
import type { Messages } from './en.js';

export type { Messages };

const loaded: { [locale in Locale]?: Messages } = {};
const loading: { [locale in Locale]?: Promise<unknown> } = {};

/** The locale's strings when they are loaded, else undefined (then `loadMessages`). */
export const messagesFor = (locale: Locale): Messages | undefined => loaded[locale];

/** Loads a locale's strings; English in its place when its chunk cannot be fetched. */
export function loadMessages(locale: Locale): Promise<unknown> {
  return (loading[locale] ??= (
    locale === 'zh-HK' ? import('./zh-HK.js').then((m) => m.zhHK) : locale === 'zh-CN' ? import('./zh-CN.js').then((m) => m.zhCN) : import('./en.js').then((m) => m.en)
  ).then(
    (messages) => (loaded[locale] = messages),
    () => (locale === 'en' ? undefined : loadMessages('en').then(() => (loaded[locale] = loaded.en))),
  ));
}
