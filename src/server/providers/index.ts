import { checkoutCom } from './checkout-com.js';

/** Provider adapter factories, by provider. */
export const providers = { checkoutCom };

export { checkoutCom, checkoutComDeviceFields, CHECKOUT_COM_STATUSES, CHECKOUT_COM_WEBHOOKS } from './checkout-com.js';
export type { CheckoutComOptions } from './checkout-com.js';
export * from './types.js';
