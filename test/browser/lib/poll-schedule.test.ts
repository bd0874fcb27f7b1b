import { expect } from '@open-wc/testing';
import { MAX_BACKOFF_MS, nextPollDelay, parseRetryAfter } from '../../../src/lib/poll-schedule.js';

const base = { intervalMs: 2000, elapsedMs: 0, consecutiveFailures: 0, random: 0.5 };

describe('SPEC §4 poll schedule', () => {
  it('polls every interval during the first minute', () => {
    expect(nextPollDelay(base)).to.equal(2000);
    expect(nextPollDelay({ ...base, elapsedMs: 59_999 })).to.equal(2000);
  });

  it('slows down after the first minute', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 60_000 })).to.equal(10_000);
  });

  it('backs off exponentially with jitter between half and all of each step', () => {
    const low = (n: number) => nextPollDelay({ ...base, consecutiveFailures: n, random: 0 });
    const high = (n: number) => nextPollDelay({ ...base, consecutiveFailures: n, random: 0.999999 });
    expect([low(1), low(2), low(3)]).to.deep.equal([2000, 4000, 8000]);
    expect(high(1)).to.be.closeTo(4000, 1);
    expect(high(2)).to.be.closeTo(8000, 1);
  });

  it('caps the back-off at 30 s', () => {
    for (const n of [5, 10, 100, 10_000]) {
      const delay = nextPollDelay({ ...base, consecutiveFailures: n, random: 0.999999 });
      expect(delay).to.be.at.most(MAX_BACKOFF_MS);
      expect(delay).to.be.at.least(MAX_BACKOFF_MS / 2);
    }
  });

  it('honours Retry-After when it asks for longer', () => {
    expect(nextPollDelay({ ...base, consecutiveFailures: 1, retryAfterMs: 20_000 })).to.equal(20_000);
    expect(nextPollDelay({ ...base, consecutiveFailures: 1, retryAfterMs: 100 })).to.equal(3000);
    expect(nextPollDelay({ ...base, consecutiveFailures: 1, retryAfterMs: 86_400_000 })).to.equal(120_000);
  });

  it('parses Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('7', now)).to.equal(7000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).to.equal(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(null, now)).to.equal(undefined);
  });

  it('never returns a zero or negative delay', () => {
    expect(nextPollDelay({ ...base, intervalMs: 0 })).to.be.greaterThan(0);
    expect(nextPollDelay({ ...base, intervalMs: -5 })).to.be.greaterThan(0);
  });
});
