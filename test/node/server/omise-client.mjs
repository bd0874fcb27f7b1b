// omise-node, Omise's official client, run against the Omise sandbox in a process of its own: the
// client has no port option and dials port 80, so this process (and only this one) points Node's
// default http port at the sandbox. Prints one JSON line: what each call gave.
import http from 'node:http';
import { createRequire } from 'node:module';

delete process.env.http_proxy; // the client sends everything through it, even loopback
delete process.env.OMISE_SCHEME;
http.globalAgent.defaultPort = Number(process.env.SANDBOX_PORT);
const omise = createRequire(import.meta.url)('omise')({
  secretKey: process.env.SECRET_KEY,
  omiseVersion: '2019-05-29',
  host: '127.0.0.1',
  scheme: 'http',
});
const outcome = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));

const created = await outcome(
  omise.charges.create({
    amount: 150_000,
    currency: 'SGD',
    return_uri: 'https://shop.example/return',
    source: { type: 'alipay_hk', platform_type: 'WEB' },
    metadata: { reference: 'A-1001' },
  }),
);
const retrieved = created.value ? await outcome(omise.charges.retrieve(created.value.id)) : undefined;
const expired = created.value ? await outcome(omise.charges.expire(created.value.id)) : undefined;
const refundOfExpired = created.value ? await outcome(omise.charges.createRefund(created.value.id, { amount: 100 })) : undefined;
const tooSmall = await outcome(omise.charges.create({ amount: 99, currency: 'SGD', return_uri: 'https://shop.example/return', source: { type: 'alipay_hk' } }));
const unknown = await outcome(omise.charges.retrieve('chrg_test_nosuchcharge'));
console.log(JSON.stringify({ created, retrieved, expired, refundOfExpired, tooSmall, unknown }));
