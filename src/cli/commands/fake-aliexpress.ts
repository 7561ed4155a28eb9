/**
 * `shipby fake-aliexpress`: runs the fake AliExpress Open Platform (both gateways, signed) until interrupted.
 * The app secret is never printed; without --app-secret the documented development default is used.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_FAKE_APP_KEY,
  DEFAULT_FAKE_APP_SECRET,
  startFakeAliExpressServer,
} from '../../integrations/aliexpress/fake-server';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return parsed;
  };
}

export function register(program: Command): void {
  program
    .command('fake-aliexpress')
    .description(
      'Run a fake AliExpress Open Platform (IOP /sync and TOP /router/rest, signed) for tests and development',
    )
    .option('--port <port>', 'TCP port (0 = any free port)', integer('port', 0, 65535), 8790)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--app-key <key>', 'the app key the fake accepts', DEFAULT_FAKE_APP_KEY)
    .option(
      '--app-secret <secret>',
      `the app secret the fake signs with (default: the development secret "${DEFAULT_FAKE_APP_SECRET}")`,
    )
    .option('--access-token <token...>', 'seller tokens the fake accepts (default: any non-empty token)')
    .option('--seed-orders <n>', 'generate this many orders at start', integer('seed-orders', 0, 1_000_000), 0)
    .option('--seed <n>', 'seed of the fault dice and generated orders', integer('seed', 0, 2 ** 31 - 1), 1)
    .option('--max-rps <n>', 'flow control: requests per second per app key', integer('max-rps', 1, 1_000_000))
    .action(
      async (options: {
        port: number;
        host: string;
        appKey: string;
        appSecret?: string;
        accessToken?: string[];
        seedOrders: number;
        seed: number;
        maxRps?: number;
      }) => {
        const server = await startFakeAliExpressServer({
          host: options.host,
          port: options.port,
          appKey: options.appKey,
          appSecret: options.appSecret ?? DEFAULT_FAKE_APP_SECRET,
          ...(options.accessToken ? { accessTokens: options.accessToken } : {}),
          seed: options.seed,
          seedOrders: options.seedOrders,
          ...(options.maxRps !== undefined ? { maxRequestsPerSecond: options.maxRps } : {}),
        });
        console.log(`fake AliExpress listening on ${server.url}`);
        console.log(`  IOP gateway:  ${server.url}/sync?method=<api>   TOP gateway: ${server.url}/router/rest`);
        console.log(`  admin API:    ${server.url}/__fake/ (orders, shipments, faults, stats, clock, reset)`);
        console.log(
          `  app key:      ${server.appKey}   app secret: ${options.appSecret ? '(as given)' : 'development default'}`,
        );
        console.log(`  orders:       ${server.marketplace.orders.size}`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await server.close();
        console.log(`fake AliExpress stopped after ${server.stats().total} protocol requests`);
      },
    );
}
