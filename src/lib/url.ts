// Every URL the widget navigates to or renders passes through here, so that a compromised or
// buggy backend cannot send the shopper to a `javascript:` or `data:` URL or off TLS.
import { FieldError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `https:` URLs and for `http:` on a loopback host (the sandbox). */
export function isSafeUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** Resolves `value` against `base` and returns the absolute href, or throws a FieldError. */
export function parseSafeUrl(value: unknown, base: string | undefined, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new FieldError(field, 'must be a non-empty URL string');
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new FieldError(field, `is not a valid URL: ${JSON.stringify(value.slice(0, 80))}`);
  }
  if (!isSafeUrl(url)) {
    throw new FieldError(field, `must be https: (or http: on localhost), got ${url.protocol}`);
  }
  return url.href;
}
