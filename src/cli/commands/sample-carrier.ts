/**
 * `shipby sample-carrier [--port 4100] [--api-key KEY] [--state FILE]`
 *   Runs the sample carrier (a real local HTTP server): rates, labels with tracking numbers in each carrier's real
 *   format, void, tracking. Point shipby at it with `shipby carrier account '*' --url URL --api-key KEY`.
 */
import type { Command } from 'commander';
import { startSampleCarrierServer } from '../../integrations/carriers/sample-server';

export function register(program: Command): void {
  program
    .command('sample-carrier')
    .description('Run the sample carrier (local HTTP server issuing real-format tracking numbers) until stopped')
    .option('--port <port>', 'port to listen on', '4100')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--api-key <key>', 'the bearer token clients must send', 'sample-carrier-key')
    .option('--state <file>', 'keep the serial counter here, so a restart never issues a number twice', './data/sample-carrier.json')
    .action(async (o: { port: string; host: string; apiKey: string; state: string }) => {
      const server = await startSampleCarrierServer({ port: Number(o.port), host: o.host, apiKey: o.apiKey, stateFile: o.state });
      console.log(`sample carrier at ${server.url} (api key ${o.apiKey}); connect it with:`);
      console.log(`  ./bin/shipby carrier account '*' --url ${server.url} --api-key ${o.apiKey}`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
