// SPEC §2: the countdown's polite region changes every 3 minutes while over 5 minutes remain,
// every minute from 5 minutes, every 30 s in the last minute.
import { expect } from '@open-wc/testing';
import { announcedRemainingMs, formatRemaining } from '../../../src/lib/countdown-text.js';

describe('SPEC §2 the countdown as announced', () => {
  it('rounds up to the cadence for the time left', () => {
    const said = (ms: number) => formatRemaining(announcedRemainingMs(ms));
    expect(said(15 * 60_000)).to.equal('15:00');
    expect(said(14 * 60_000 + 59_000)).to.equal('15:00');
    expect(said(12 * 60_000 + 1)).to.equal('15:00');
    expect(said(12 * 60_000)).to.equal('12:00');
    expect(said(5 * 60_000 + 1)).to.equal('6:00');
    expect(said(5 * 60_000)).to.equal('5:00');
    expect(said(4 * 60_000 + 1)).to.equal('5:00');
    expect(said(60_001)).to.equal('2:00');
    expect(said(60_000)).to.equal('1:00');
    expect(said(30_001)).to.equal('1:00');
    expect(said(30_000)).to.equal('0:30');
    expect(said(1)).to.equal('0:30');
  });

  it('so over a whole code the region changes no more often than the cadence allows', () => {
    const changes: number[] = [];
    let last = '';
    for (let ms = 15 * 60_000; ms > 0; ms -= 1000) {
      const said = formatRemaining(announcedRemainingMs(ms));
      if (said !== last) changes.push(ms);
      last = said;
    }
    for (let i = 1; i < changes.length; i++) {
      const gap = changes[i - 1]! - changes[i]!;
      // The cadence of the time reached: every 3 min above 5:00, every minute down to 1:00, then 30 s.
      const allowed = changes[i]! > 5 * 60_000 ? 180_000 : changes[i]! > 60_000 ? 60_000 : 30_000;
      expect(gap, `at ${changes[i]} ms`).to.be.at.least(allowed);
    }
  });
});
