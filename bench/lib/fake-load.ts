/**
 * Load generator for bench/outbox.ts: declares shipments on the fake marketplace as fast as it answers, through the
 * real signed client, and prints one JSON line {requests, failures, startedAt, endedAt}.
 *   tsx bench/lib/fake-load.ts <gateway url> <first order id> <count> <concurrency> <first serial>
 * Orders are `first + i * 10`; numbers are China Post S10 numbers from `first serial`.
 */
import { createAliExpressClient } from '../../src/integrations/aliexpress/client';
import { makeS10 } from '../../src/core/tracking/s10';

const [url, firstText, countText, concurrencyText, serialText] = process.argv.slice(2);
const first = BigInt(firstText!);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const firstSerial = Number(serialText);

const client = createAliExpressClient({
  credentials: { appKey: 'fake-app-key', appSecret: 'fake-app-secret', accessToken: 'seller-token-0001' },
  gateway: { protocol: 'iop', baseUrl: url! },
  retry: { maxAttempts: 1 },
  timeoutMs: 10_000,
});

let next = 0;
let failures = 0;
const startedAt = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      try {
        await client.declareShipment({
          orderId: String(first + BigInt(i * 10)),
          serviceName: 'CPAM',
          logisticsNo: makeS10(firstSerial + i, 'RR', 'CN'),
          sendType: 'all',
        });
      } catch {
        failures++;
      }
    }
  }),
);
console.log(JSON.stringify({ requests: count, failures, startedAt, endedAt: Date.now() }));
