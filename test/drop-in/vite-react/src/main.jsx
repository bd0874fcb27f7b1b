// A React shop: the wrapper from `alipayhk-checkout/react`, events as onAlipayhk… props.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AlipayHKCheckout } from 'alipayhk-checkout/react';

function Checkout() {
  const [result, setResult] = useState('');
  return (
    <>
      <h1>Egg tarts</h1>
      <AlipayHKCheckout
        sessionUrl="/api/alipayhk/checkout-com/sessions"
        context={{ sku: 'egg-tarts' }}
        onAlipayhkSuccess={(event) => setResult(`paid: ${event.detail.result.status}`)}
        onAlipayhkError={(event) => setResult(`error: ${event.detail.code}`)}
      />
      <p id="result">{result}</p>
    </>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Checkout />
  </StrictMode>,
);
