import { expect } from '@open-wc/testing';
import { clockSkewMs, localExpiryMs } from '../../../src/lib/clock.js';
import { formatRemaining } from '../../../src/lib/countdown-text.js';

describe('SPEC §4 clock-skew correction of expiresAt', () => {
  const local = Date.parse('2026-11-24T10:00:00Z');

  it('a device clock 10 minutes slow moves the local expiry 10 minutes earlier', () => {
    const serverDate = new Date(local + 600_000).toUTCString();
    const skew = clockSkewMs(serverDate, local, local + 200);
    expect(skew).to.be.closeTo(600_000, 1000);
    expect(localExpiryMs('2026-11-24T10:15:00Z', skew)).to.be.closeTo(Date.parse('2026-11-24T10:05:00Z'), 1000);
  });

  it('a device clock 10 minutes fast moves it later', () => {
    const serverDate = new Date(local - 600_000).toUTCString();
    expect(clockSkewMs(serverDate, local, local + 50)).to.be.closeTo(-600_000, 1000);
  });

  it('no, a bad, or a sub-second Date header means no correction', () => {
    expect(clockSkewMs(null, local, local)).to.equal(0);
    expect(clockSkewMs('yesterday-ish', local, local)).to.equal(0);
    expect(clockSkewMs(new Date(local).toUTCString(), local, local + 300)).to.equal(0);
  });

  it('formats the remaining time as m:ss, rounding up', () => {
    expect(formatRemaining(299_001)).to.equal('5:00');
    expect(formatRemaining(59_000)).to.equal('0:59');
    expect(formatRemaining(1)).to.equal('0:01');
    expect(formatRemaining(0)).to.equal('0:00');
  });
});
