// Which flow the shopper gets and what it shows (SPEC §5, "Flow precedence"). Pure, so that
// every combination of attribute, session and device is tested without rendering.
import type { Environment, Flow } from './environment.js';
import type { CheckoutSession } from './session.js';

export type FlowPreference = 'auto' | Flow;

export type Presentation =
  | {
      flow: 'qr';
      /** Content to encode. */
      qrContent: string;
      /** Set when the QR encodes a redirect URL: a link to continue on this device instead. */
      openHereUrl?: string;
    }
  | {
      flow: 'redirect';
      redirectUrl: string;
      /** Navigate without waiting for the shopper to press the button. */
      automatic: boolean;
    };

export function choosePresentation(
  session: CheckoutSession,
  environment: Environment,
  preference: FlowPreference,
  autoRedirect: boolean,
): Presentation {
  const flow: Flow = preference !== 'auto' ? preference : (session.flow ?? environment.flow);
  if (flow === 'redirect') {
    const redirectUrl = session.redirectUrl ?? (session.qrCode && isHttpsUrl(session.qrCode) ? session.qrCode : undefined);
    if (redirectUrl) return { flow: 'redirect', redirectUrl, automatic: autoRedirect || environment.inWallet };
  }
  if (session.qrCode !== undefined) return { flow: 'qr', qrContent: session.qrCode };
  // parseSession guarantees a redirectUrl when there is no qrCode.
  const redirectUrl = session.redirectUrl as string;
  return { flow: 'qr', qrContent: redirectUrl, openHereUrl: redirectUrl };
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
