// A local stand-in for a payment provider: it speaks the provider's documented API, keeps
// payments in memory, serves a wallet page where a person (or a test) approves, declines or
// lets a payment expire, and sends signed webhooks to the merchant backend. The demo and the
// end-to-end tests run against it; nothing here is for production.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from '../http.js';
import { checkoutComDialect } from './checkout-com.js';
import { nomupayDialect } from './nomupay.js';
import { omiseDialect } from './omise.js';
import { uqpayDialect } from './uqpay.js';
import { walletPage } from './wallet-page.js';
import { worldpayDialect } from './worldpay.js';

export type SandboxProviderName = 'omise' | 'nomupay' | 'checkout-com' | 'uqpay' | 'worldpay';

export interface SandboxOptions {
  provider: SandboxProviderName;
  /** The merchant backend's webhook route for this provider. */
  webhookUrl: string;
  /** Shared with the adapter: its secret key, webhook secret and so on. Defaults suit the demo. */
  credentials?: SandboxCredentials;
  /** Payments not completed by then expire on their own (default 15 minutes). */
  paymentLifetimeMs?: number;
  port?: number;
  /** Always loopback unless told otherwise. */
  host?: string;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** The provider's keys as the sandbox checks them; each dialect has demo defaults. */
export type SandboxCredentials = Record<string, string>;

export type WalletOutcome = 'approve' | 'decline' | 'expire';

/** A payment as the sandbox keeps it, in our words; the dialect renders it in the provider's. */
export interface SandboxPayment {
  id: string;
  outcome?: WalletOutcome;
  amount: { value: number; currency: string };
  reference: string;
  /** Where the wallet sends the browser after each outcome (phone flows); absent: it stays (a QR scanned on a phone). */
  returnTo?: Partial<Record<WalletOutcome, string>>;
  /** The provider's page for this payment shows a QR (it was made for a desktop browser). */
  showsQr?: boolean;
  /** Cancelled through the provider's API: its page refuses to take the money. */
  cancelled?: boolean;
  /** Amounts refunded through the provider's API, in order. */
  refunds?: number[];
  expiresAtMs: number;
  request: Record<string, unknown>;
  createdAt: string;
}

export interface SandboxContext {
  url: string;
  /** The merchant backend's webhook route (SandboxOptions.webhookUrl). */
  webhookUrl: string;
  credentials: SandboxCredentials;
  payments: Map<string, SandboxPayment>;
  /** The provider's idempotency keys, to the payment each one created. */
  idempotency: Map<string, string>;
  newPayment(fields: Omit<SandboxPayment, 'id' | 'createdAt' | 'expiresAtMs'>, id: string): SandboxPayment;
}

export interface SandboxDialect {
  /** The `providers` factory that talks to this dialect. */
  factory: 'omise' | 'nomupay' | 'checkoutCom' | 'uqpay' | 'worldpay';
  defaultCredentials: SandboxCredentials;
  /** Options for the factory that make the adapter talk to this sandbox. */
  adapterOptions(context: SandboxContext, webhookUrl: string): Record<string, unknown>;
  /** Serves the provider's API; false when the route is not one of its own. */
  handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext): Promise<boolean>;
  /** The signed webhook for a payment that just reached `outcome`, and where it goes (default: `webhookUrl`). */
  webhook(payment: SandboxPayment, context: SandboxContext): Promise<{ headers: Record<string, string>; body: string; url?: string }>;
}

export interface Sandbox {
  url: string;
  provider: SandboxProviderName;
  credentials: SandboxCredentials;
  /** Options for `providers[factory](…)` that point the adapter at this sandbox (with `baseUrl`). */
  adapterOptions: Record<string, unknown>;
  factory: SandboxDialect['factory'];
  /** Payments created so far (for tests: "still exactly one provider payment"). */
  payments(): SandboxPayment[];
  close(): Promise<void>;
}

const dialects: Record<SandboxProviderName, SandboxDialect> = {
  omise: omiseDialect,
  nomupay: nomupayDialect,
  'checkout-com': checkoutComDialect,
  uqpay: uqpayDialect,
  worldpay: worldpayDialect,
};

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ids shaped like Checkout.com's: a prefix and 26 base32 characters. */
export function randomId(prefix: string): string {
  return prefix + Array.from(randomBytes(26), (byte) => ID_ALPHABET[byte % 32]).join('');
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  if (!Object.hasOwn(dialects, options.provider)) throw new TypeError(`startSandbox: provider must be one of ${Object.keys(dialects).join(', ')}`);
  const dialect = dialects[options.provider];
  const logger = options.logger ?? console;
  const lifetime = options.paymentLifetimeMs ?? 15 * 60_000;
  const payments = new Map<string, SandboxPayment>();
  const context: SandboxContext = {
    url: '',
    webhookUrl: options.webhookUrl,
    credentials: { ...dialect.defaultCredentials, ...options.credentials },
    payments,
    idempotency: new Map(),
    newPayment(fields, id) {
      const payment: SandboxPayment = { ...fields, id, createdAt: new Date().toISOString(), expiresAtMs: Date.now() + lifetime };
      payments.set(id, payment);
      return payment;
    },
  };

  async function complete(payment: SandboxPayment, outcome: WalletOutcome): Promise<void> {
    if (payment.outcome) return;
    payment.outcome = outcome;
    try {
      const { headers, body, url } = await dialect.webhook(payment, context);
      const response = await fetch(url ?? options.webhookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) logger.warn(`sandbox: webhook answered HTTP ${response.status}`);
    } catch (error) {
      logger.warn(`sandbox: webhook failed: ${(error as Error).message}`);
    }
  }

  /** Payments past their lifetime expire as a real provider's would, webhook included. */
  async function expireIfDue(payment: SandboxPayment): Promise<void> {
    if (!payment.outcome && Date.now() >= payment.expiresAtMs) await complete(payment, 'expire');
  }

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
      const wallet = path.match(/^\/wallet\/([\w-]+)(?:\/(approve|decline|expire))?$/);
      if (wallet) {
        const payment = payments.get(wallet[1]!);
        if (!payment) return sendHtml(res, 404, await walletPage({ error: 'No such payment' }));
        await expireIfDue(payment);
        const outcome = wallet[2] as WalletOutcome | undefined;
        if (outcome && req.method === 'POST' && payment.cancelled) {
          return sendHtml(res, 409, await walletPage({ error: 'This payment was cancelled: it can no longer be paid' }));
        }
        if (outcome && req.method === 'POST') {
          await complete(payment, outcome);
          res.writeHead(303, { Location: payment.returnTo?.[outcome] ?? `/wallet/${payment.id}` });
          return res.end();
        }
        return sendHtml(res, 200, await walletPage({ payment, url: `${context.url}/wallet/${payment.id}` }));
      }
      for (const payment of payments.values()) await expireIfDue(payment);
      const raw = await readBody(req, 1024 * 1024);
      if (!(await dialect.handleApi(req, res, raw, context))) sendJson(res, 404, { error_type: 'not_found' });
    } catch (error) {
      logger.error(error);
      if (!res.headersSent) sendJson(res, 500, { error_type: 'internal_error' });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  context.url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: context.url,
    provider: options.provider,
    credentials: context.credentials,
    adapterOptions: { ...dialect.adapterOptions(context, options.webhookUrl), baseUrl: context.url },
    factory: dialect.factory,
    payments: () => [...payments.values()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*",
    'Cache-Control': 'no-store',
  });
  res.end(html);
}
