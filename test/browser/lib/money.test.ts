import { expect } from '@open-wc/testing';
import { formatMoney, isKnownCurrency, minorUnitExponent } from '../../../src/lib/money.js';

describe('SPEC §2 amount formatting', () => {
  it('knows each currency minor-unit exponent', () => {
    expect(minorUnitExponent('HKD')).to.equal(2);
    expect(minorUnitExponent('USD')).to.equal(2);
    expect(minorUnitExponent('JPY')).to.equal(0);
    expect(minorUnitExponent('KRW')).to.equal(0);
    expect(minorUnitExponent('KWD')).to.equal(3);
    expect(minorUnitExponent('BHD')).to.equal(3);
  });

  it('formats integer minor units with Intl.NumberFormat', () => {
    expect(formatMoney({ value: 12345, currency: 'HKD' }, 'en')).to.equal('HK$123.45');
    expect(formatMoney({ value: 12345, currency: 'JPY' }, 'en')).to.equal('¥12,345');
    expect(formatMoney({ value: 12345, currency: 'KWD' }, 'en')).to.match(/^KWD\s12\.345$/);
    expect(formatMoney({ value: 5000000, currency: 'HKD' }, 'zh-HK')).to.equal('HK$50,000.00');
    expect(formatMoney({ value: 1, currency: 'HKD' }, 'zh-CN')).to.equal('HK$0.01');
  });

  it('tells known currency codes from unknown ones', () => {
    expect(isKnownCurrency('HKD')).to.equal(true);
    expect(isKnownCurrency('XYZ')).to.equal(false);
    expect(isKnownCurrency('hkd')).to.equal(false);
  });
});
