import { expect } from '@open-wc/testing';
import { matchLocale } from '../../../src/lib/locale.js';

describe('SPEC §2 locale', () => {
  it('maps Traditional Chinese tags to zh-HK and Simplified ones to zh-CN', () => {
    for (const tag of ['zh-HK', 'zh-hk', 'zh-TW', 'zh-MO', 'zh-Hant', 'zh-Hant-HK']) expect(matchLocale([tag]), tag).to.equal('zh-HK');
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK']) expect(matchLocale([tag]), tag).to.equal('zh-CN');
  });

  it('takes the first candidate it supports, else en', () => {
    expect(matchLocale([null, 'fr-FR', 'zh-HK', 'en'])).to.equal('zh-HK');
    expect(matchLocale(['en-GB', 'zh-HK'])).to.equal('en');
    expect(matchLocale(['fr', 'de'])).to.equal('en');
    expect(matchLocale([])).to.equal('en');
  });
});
