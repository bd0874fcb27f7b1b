import { checkoutCom } from './checkout-com.js';
import { nomupay } from './nomupay.js';
import { omise } from './omise.js';
import { uqpay } from './uqpay.js';
import { worldpay } from './worldpay.js';

/** Provider adapter factories, by provider. */
export const providers = { omise, nomupay, checkoutCom, uqpay, worldpay };

export { checkoutCom, checkoutComDeviceFields, checkoutComHost, CHECKOUT_COM_LIMITS, CHECKOUT_COM_STATUSES, CHECKOUT_COM_WEBHOOKS } from './checkout-com.js';
export type { CheckoutComOptions } from './checkout-com.js';
export { omise, omisePlatformType, OMISE_API_VERSION, OMISE_LIMITS, OMISE_STATUSES } from './omise.js';
export type { OmiseOptions } from './omise.js';
export { nomupay, nomupayFlowType, NOMUPAY_LIMITS, NOMUPAY_STATUSES } from './nomupay.js';
export type { NomuPayOptions } from './nomupay.js';
export { uqpay, uqpayDeviceOs, uqpaySign, uqpaySigningString, uqpayTime, UQPAY_ACKNOWLEDGEMENT, UQPAY_LIMITS, UQPAY_STATUSES } from './uqpay.js';
export type { UqpayOptions } from './uqpay.js';
export { worldpay, worldpayDeviceData, WORLDPAY_API_VERSION, WORLDPAY_LIMITS, WORLDPAY_STATUSES } from './worldpay.js';
export type { WorldpayOptions } from './worldpay.js';
export * from './types.js';
