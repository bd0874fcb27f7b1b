'use client';
// The element through the React wrapper: rendered on the server as <alipayhk-checkout>, upgraded
// in the browser. The receipt is for the shopper; the order is fulfilled by the server.
import { useState } from 'react';
import { AlipayHKCheckout } from 'alipayhk-checkout/react';

export function Checkout({ sku }: { sku: string }) {
  const [result, setResult] = useState('');
  return (
    <>
      <AlipayHKCheckout
        sessionUrl="/api/alipayhk/sessions"
        context={{ sku }}
        onAlipayhkSuccess={(event) => setResult(`paid: ${event.detail.result.status}`)}
        onAlipayhkError={(event) => setResult(`error: ${event.detail.code}`)}
      />
      <p id="result">{result}</p>
    </>
  );
}
