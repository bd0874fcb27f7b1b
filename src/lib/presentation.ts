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
    }
  | {
      flow: 'qr';
      /** The provider's own page, which shows the QR: opened in a popup from the shopper's click. */
      popupUrl: string;
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
  // parseSession guarantees a redirectUrl when there is no qrCode. It is the provider's page
  // (Checkout.com WEB, Omise authorize_uri, NomuPay qr_link, Worldpay url): never re-encoded as a
  // QR of ours, which the AlipayHK app could not pay (SPEC §5).
  return { flow: 'qr', popupUrl: session.redirectUrl as string };
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
