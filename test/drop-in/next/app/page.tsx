// A server component: the page, and the checkout in it, are rendered on the server.
import { Checkout } from './checkout';

export default function Page() {
  return (
    <main>
      <h1>Egg tarts</h1>
      <Checkout sku="egg-tarts" />
    </main>
  );
}
