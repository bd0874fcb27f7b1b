// alipayhk-checkout/server: Node helpers for the merchant backend (SPEC §7). No browser code.
export { createCheckoutHandler, OrderError, parseEnvironment } from './handler.js';
export type { CheckoutHandler, CheckoutHandlerOptions, OrderRequest, StatusChange } from './handler.js';
export { memoryStore } from './store.js';
export type { SessionStore, Versioned } from './store.js';
export { redisStore } from './redis-store.js';
export type { RedisEvalClient, RedisSessionStore, RedisStoreOptions, RedisSubscriber } from './redis-store.js';
export { providers } from './providers/index.js';
export * from './providers/types.js';
export { startSandbox } from './sandbox/index.js';
export type { Sandbox, SandboxOptions } from './sandbox/index.js';
export type * from './types.js';
