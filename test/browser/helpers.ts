// Shared set-up for the element tests: a scripted scenario on the fake merchant backend
// (test/support/fake-merchant.mjs), a mounted element, and a recorder of its events.
import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import { loadMessages } from '../../src/locales/index.js';
import type { AlipayHKCheckout } from '../../src/alipayhk-checkout.js';
import type { AlipayHKEventName } from '../../src/events.js';

// The English strings are a chunk the element loads on demand; loaded here first, a test that
// reads the element's text right after an event reads them rather than racing their arrival.
// (The tests of zh-HK and zh-CN wait for theirs, as a shopper would.)
await loadMessages('en');

export interface Reply {
  status?: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  destroy?: boolean;
  session?: Record<string, unknown>;
}

/** One Server-Sent Events answer to a status request that accepts text/event-stream. */
export interface StreamReply {
  /** Status bodies (or raw strings) sent at once as `status` events. */
  events?: unknown[];
  /** Ends the stream after the events instead of holding it open. */
  end?: boolean;
  statusCode?: number;
}

export interface RecordedRequest {
  route: 'create' | 'status';
  method: string;
  headers: { 'idempotency-key'?: string; 'content-type'?: string; accept?: string };
  body: any;
  /** The query string, without "?". */
  query: string;
  at: number;
  abandoned: boolean;
  /** Set on a status request answered as a stream; `open` until the browser or the script closes it. */
  stream?: { open: boolean };
}

export interface Scenario {
  id: string;
  sessionUrl: string;
  statusUrl: string;
  /** Replaces the replies of the given routes. */
  script(replies: { create?: Reply[]; status?: Reply[]; stream?: StreamReply[] }): Promise<void>;
  /** Writes an event to (or ends) every open status stream of the scenario; resolves to how many. */
  push(message: { data?: unknown; end?: boolean }): Promise<number>;
  requests(route?: 'create' | 'status' | 'cancel'): Promise<RecordedRequest[]>;
}

/** Scenarios of this test file, so that cleaning up touches nothing of another file's. */
const ownScenarios = new Set<string>();

export async function scenario(replies: { create?: Reply[]; status?: Reply[]; stream?: StreamReply[] } = {}): Promise<Scenario> {
  const id = `t${Math.random().toString(36).slice(2, 12)}`;
  ownScenarios.add(id);
  const s: Scenario = {
    id,
    sessionUrl: `/api/${id}/sessions`,
    statusUrl: `/api/${id}/status`,
    async script(next) {
      const response = await fetch(`/fake/scenarios/${id}`, { method: 'POST', body: JSON.stringify(next) });
      if (!response.ok) throw new Error(`scripting the fake backend failed: ${response.status}`);
    },
    async push(message) {
      const response = await fetch(`/fake/scenarios/${id}/push`, { method: 'POST', body: JSON.stringify(message) });
      return ((await response.json()) as { streams: number }).streams;
    },
    async requests(route) {
      const all = (await (await fetch(`/fake/scenarios/${id}/requests`)).json()) as RecordedRequest[];
      return route ? all.filter((r) => r.route === route) : all;
    },
  };
  await s.script(replies);
  return s;
}

export interface Recorder {
  events: CustomEvent[];
  of(type: AlipayHKEventName): CustomEvent[];
  types(): string[];
}

const ALL_EVENTS: AlipayHKEventName[] = [
  'alipayhk-ready', 'alipayhk-status', 'alipayhk-redirect', 'alipayhk-success',
  'alipayhk-failure', 'alipayhk-expired', 'alipayhk-cancel', 'alipayhk-error',
];
export const TERMINAL_EVENTS: AlipayHKEventName[] = ['alipayhk-success', 'alipayhk-failure', 'alipayhk-expired', 'alipayhk-cancel'];

/** Records every alipayhk-* event reaching `target` (events bubble out of the element). */
export function record(target: EventTarget): Recorder {
  const events: CustomEvent[] = [];
  for (const type of ALL_EVENTS) target.addEventListener(type, (e) => events.push(e as CustomEvent));
  return {
    events,
    of: (type) => events.filter((e) => e.type === type),
    types: () => events.map((e) => e.type),
  };
}

export interface Mounted {
  el: AlipayHKCheckout;
  container: HTMLElement;
  events: Recorder;
}

/** Creates the element with `props`, starts recording on its container (redirects prevented), then connects it. */
export async function mount(props: Partial<AlipayHKCheckout> & Record<string, unknown>, attributes: Record<string, string> = {}): Promise<Mounted> {
  const container = await fixture<HTMLDivElement>(html`<div></div>`);
  const events = record(container);
  // This page is the test runner: it must never navigate away to a wallet. (A popup leaves it be.)
  container.addEventListener('alipayhk-redirect', (e) => e.detail.target !== 'popup' && e.preventDefault());
  const el = document.createElement('alipayhk-checkout');
  el.pollInterval = 20;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  Object.assign(el, props);
  container.append(el);
  await el.updateComplete;
  return { el, container, events };
}

export async function until(predicate: () => boolean | Promise<boolean>, message: string, timeout = 4000): Promise<void> {
  let last = false;
  await waitUntil(async () => (last = await predicate()), message, { timeout, interval: 10 });
  if (!last) throw new Error(message);
}

export function waitForEvent(events: Recorder, type: AlipayHKEventName, count = 1, timeout = 4000): Promise<void> {
  return until(() => events.of(type).length >= count, `waiting for ${count} ${type}`, timeout);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function shadow(el: HTMLElement): ShadowRoot {
  return el.shadowRoot!;
}

/** The visible text of the element's shadow root, whitespace collapsed. */
export function text(el: HTMLElement): string {
  return (shadow(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Makes the page report `hidden` / `visible` and tells listeners, as switching tabs does. */
export function setVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

export function restoreVisibility(): void {
  delete (document as unknown as Record<string, unknown>).visibilityState;
  delete (document as unknown as Record<string, unknown>).hidden;
}

/**
 * Forgets the resume records of this file's scenarios. Only those: some runners (WebKit's, over
 * WebDriver) run several test files as iframes of one page, which share one sessionStorage.
 */
export function clearResumeStorage(): void {
  for (const key of Object.keys(sessionStorage)) {
    const id = key.match(/^alipayhk-checkout:.*\/api\/([\w-]+)\/sessions$/)?.[1];
    if (id && ownScenarios.has(id)) sessionStorage.removeItem(key);
  }
}
