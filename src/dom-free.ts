// The public API that needs no DOM: environment detection and session validation run anywhere.
export { detectEnvironment } from './lib/environment.js';
export type { DeviceType, Environment, EnvironmentHints, Flow, OsType, TerminalType } from './lib/environment.js';
export { FieldError } from './lib/errors.js';
export { parseSession } from './lib/session.js';
export type { CheckoutSession, Money } from './lib/session.js';
export { CheckoutStatus, PAYMENT_STATUSES } from './lib/status.js';
export type { PaymentStatus, StatusResult } from './lib/status.js';
export type { Locale } from './lib/locale.js';
export type { FlowPreference } from './lib/presentation.js';
