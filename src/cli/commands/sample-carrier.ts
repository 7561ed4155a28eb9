/**
 * `shipby sample-carrier [--port 4100] [--customer-code C] [--api-key SECRET] [--state FILE]`
 *   Runs the sample carrier (a real local HTTP server speaking YunExpress's OMS API): labels with tracking numbers
 *   in each carrier's real format and their PDFs, delete, tracking. Point shipby at it with
 *   `shipby carrier account '*' --protocol yunexpress --url URL --account-id C --api-key SECRET`.
 */
import type { Command } from 'commander';
import { SAMPLE_CUSTOMER_CODE, startSampleCarrierServer } from '../../integrations/carriers/sample-server';

export function register(program: Command): void {
  program
    .command('sample-carrier')
    .description('Run the sample carrier (local HTTP server issuing real-format tracking numbers) until stopped')
    .option('--port <port>', 'port to listen on', '4100')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--customer-code <code>', 'the YunExpress customer code clients must send', SAMPLE_CUSTOMER_CODE)
    .option('--api-key <secret>', 'the YunExpress API secret clients must send', 'sample-carrier-key')
    .option(
      '--state <file>',
      'keep the serial counter here, so a restart never issues a number twice',
      './data/sample-carrier.json',
    )
    .action(async (o: { port: string; host: string; customerCode: string; apiKey: string; state: string }) => {
      const server = await startSampleCarrierServer({
        port: Number(o.port),
        host: o.host,
        customerCode: o.customerCode,
        apiKey: o.apiKey,
        stateFile: o.state,
      });
      console.log(`sample carrier (YunExpress protocol) at ${server.url}; connect it with:`);
      console.log(
        `  ./bin/shipby carrier account '*' --protocol yunexpress --url ${server.url} --account-id ${o.customerCode} --api-key ${o.apiKey}`,
      );
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
