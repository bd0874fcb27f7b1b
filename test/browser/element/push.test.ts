// Push updates (issue 6): a session with `push: 'sse'` is watched through a Server-Sent Events
// stream on its statusUrl instead of polls; every way a stream can go wrong falls back to polling,
// and the shopper still gets exactly one outcome.
import { expect } from '@open-wc/testing';
import { AlipayHKCheckout } from '../../../src/alipayhk-checkout.js';
import {
  clearResumeStorage, mount, restoreVisibility, scenario, setVisibility, sleep, TERMINAL_EVENTS, until, waitForEvent,
  type RecordedRequest, type Recorder,
} from '../helpers.js';

const PUSH_SESSION = { create: [{ status: 201, session: { push: 'sse' } }] };
const streams = (requests: RecordedRequest[]) => requests.filter((r) => r.stream !== undefined);
const polls = (requests: RecordedRequest[]) => requests.filter((r) => !/event-stream/.test(r.headers.accept ?? ''));
const terminal = (events: Recorder) => events.events.filter((e) => TERMINAL_EVENTS.includes(e.type as never));

describe('push updates: Server-Sent Events on the status URL', () => {
  afterEach(() => {
    restoreVisibility();
    clearResumeStorage();
  });

  it('a pushed success ends the session at once, with one stream and no polls', async () => {
    const s = await scenario({ ...PUSH_SESSION, stream: [{ events: [{ status: 'pending' }] }], status: [{ body: { status: 'pending' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await until(async () => streams(await s.requests('status')).length === 1, 'the stream opened');
    await sleep(200); // ten poll intervals
    expect(el.status).to.equal('pending');
    expect(await s.push({ data: { status: 'succeeded' } })).to.equal(1);
    await waitForEvent(events, 'alipayhk-success');
    expect(events.of('alipayhk-success')[0]!.detail.result).to.deep.equal({ status: 'succeeded' });
    const requests = await s.requests('status');
    expect(polls(requests), 'polls').to.have.length(0);
    expect(requests[0]!.headers.accept).to.match(/text\/event-stream/);
    await until(async () => !(await s.requests('status'))[0]!.stream!.open, 'the widget closed the stream');
    await sleep(100);
    expect(terminal(events)).to.have.length(1);
    expect(await s.requests('status')).to.have.length(1);
  });

  it('a failure pushed with its reason is reported once, like a polled one', async () => {
    const s = await scenario({ ...PUSH_SESSION, stream: [{ events: [{ status: 'failed', failureCode: 'declined', failureMessage: 'No' }], end: true }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-failure');
    expect(events.of('alipayhk-failure')[0]!.detail).to.deep.include({ code: 'declined', message: 'No' });
    await sleep(100);
    expect(terminal(events)).to.have.length(1);
    expect(polls(await s.requests('status'))).to.have.length(0);
  });

  it('without push in the session, the element only polls', async () => {
    const s = await scenario({ stream: [{ events: [{ status: 'succeeded' }] }], status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    const requests = await s.requests('status');
    expect(requests.every((r) => r.headers.accept === 'application/json')).to.equal(true);
    expect(requests).to.have.length(2);
  });

  const fallbacks: Array<[string, Parameters<typeof scenario>[0]]> = [
    ['the server answers JSON instead of a stream', { ...PUSH_SESSION, status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }] }],
    ['the stream answers 500', { ...PUSH_SESSION, stream: [{ statusCode: 500, end: true }], status: [{ body: { status: 'succeeded' } }] }],
    ['the stream ends without a final status', { ...PUSH_SESSION, stream: [{ events: [{ status: 'pending' }], end: true }], status: [{ body: { status: 'succeeded' } }] }],
    ['the stream sends something that is not a status', { ...PUSH_SESSION, stream: [{ events: ['<html>'] }], status: [{ body: { status: 'succeeded' } }] }],
    ['the stream sends an unknown status', { ...PUSH_SESSION, stream: [{ events: [{ status: 'paid' }] }], status: [{ body: { status: 'succeeded' } }] }],
  ];
  for (const [name, script] of fallbacks) {
    it(`falls back to polling when ${name}`, async () => {
      const s = await scenario(script);
      const { events } = await mount({ sessionUrl: s.sessionUrl });
      await waitForEvent(events, 'alipayhk-success');
      await sleep(100);
      expect(terminal(events)).to.have.length(1);
      const requests = await s.requests('status');
      expect(requests.length - polls(requests).length, 'stream attempts').to.equal(1);
      expect(polls(requests).length).to.be.greaterThan(0);
      expect(requests.filter((r) => r.stream?.open), 'streams left open').to.have.length(0);
    });
  }

  it('falls back to polling when an open stream stays silent (a buffering proxy)', async () => {
    const saved = AlipayHKCheckout.requestTimeoutMs;
    AlipayHKCheckout.requestTimeoutMs = 300;
    try {
      const s = await scenario({ ...PUSH_SESSION, stream: [{ events: [] }], status: [{ body: { status: 'succeeded' } }] });
      const { events } = await mount({ sessionUrl: s.sessionUrl });
      await waitForEvent(events, 'alipayhk-success', 1, 4000);
      const requests = await s.requests('status');
      // The short timeout also cuts polls: a loaded machine may abandon one and send another.
      expect(polls(requests).length, 'polls').to.be.greaterThan(0);
      expect(requests.length - polls(requests).length, 'stream attempts').to.equal(1);
      expect(requests[0]!.stream, 'the first request was the stream').to.not.equal(undefined);
      await until(async () => !(await s.requests('status'))[0]!.stream!.open, 'the silent stream was closed');
      expect(terminal(events)).to.have.length(1);
    } finally {
      AlipayHKCheckout.requestTimeoutMs = saved;
    }
  });

  it('closes the stream while the page is hidden and opens a new one when it is shown', async () => {
    const s = await scenario({ ...PUSH_SESSION, stream: [{ events: [{ status: 'pending' }] }, { events: [{ status: 'succeeded' }] }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => streams(await s.requests('status')).length === 1, 'the stream opened');
    setVisibility('hidden');
    await until(async () => !(await s.requests('status'))[0]!.stream!.open, 'the stream closed while hidden');
    await sleep(200);
    expect(await s.requests('status'), 'requests while hidden').to.have.length(1);
    setVisibility('visible');
    await waitForEvent(events, 'alipayhk-success');
    const requests = await s.requests('status');
    expect(requests).to.have.length(2);
    expect(polls(requests)).to.have.length(0);
  });

  it('removing the element closes its stream', async () => {
    const s = await scenario({ ...PUSH_SESSION, stream: [{ events: [{ status: 'pending' }] }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => streams(await s.requests('status')).length === 1, 'the stream opened');
    el.remove();
    await until(async () => !(await s.requests('status'))[0]!.stream!.open, 'the stream closed');
    await sleep(100);
    expect(await s.requests('status')).to.have.length(1);
  });

  it('at expiry the last check is a poll, and a pending answer then means expired', async () => {
    const s = await scenario({
      create: [{ status: 201, session: { push: 'sse', expiresInMs: 400 } }],
      stream: [{ events: [{ status: 'pending' }] }],
      status: [{ body: { status: 'pending' } }],
    });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-expired', 1, 4000);
    const requests = await s.requests('status');
    expect(polls(requests)).to.have.length(1);
    expect(requests.filter((r) => r.stream?.open)).to.have.length(0);
    expect(terminal(events)).to.have.length(1);
  });
});
