/**
 * Child process for the multi-process tests: writes orders to the store DATABASE_URL names, one transaction per
 * order (each a new order and its events), and prints each platform order id on its own line once committed —
 * i.e. acknowledged. Any error is printed as `ERROR <code> <message>` and ends the process with code 1.
 * argv[2] is the id prefix; it runs until killed.
 */
import { createContext } from '../../src/app/context';
import { upsertOrders } from '../../src/app/orders';
import { openStore } from '../../src/store/database';

const prefix = process.argv[2]!;
const store = openStore();
const ctx = createContext(store);
const paidAt = Date.UTC(2026, 10, 20, 2);
try {
  for (let i = 1; ; i++) {
    const id = `${prefix}${i}`;
    await upsertOrders(
      ctx,
      'load',
      [
        {
          row: 1,
          order: {
            platformOrderId: id,
            platform: 'aliexpress',
            status: 'awaiting_shipment',
            platformStatus: 'WAIT_SELLER_SEND_GOODS',
            paidAt,
            riskPassedAt: paidAt,
            platformShipByAt: paidAt + 72 * 3_600_000,
            buyer: { name: 'Load Test', country: 'ES', addressLine1: 'Calle 1', city: 'Madrid', postcode: '28014', phone: null },
            currency: 'USD',
            handlingDays: 3,
            logisticsService: 'CPAM',
            lines: [{ sku: 'SKU-L', quantity: 1, unitPrice: 999 }],
          },
        },
      ],
      'load',
    );
    process.stdout.write(`${id}\n`);
  }
} catch (error) {
  process.stdout.write(`ERROR ${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
