import type { Locale } from '../lib/locale.js';
import { en, type Messages } from './en.js';
import { zhCN } from './zh-CN.js';
import { zhHK } from './zh-HK.js';

export type { Messages };
export const messages: Record<Locale, Messages> = { en, 'zh-HK': zhHK, 'zh-CN': zhCN };
