import type { Command } from 'commander';
import { describeUrl, migrateToLatest, openStore } from '../../store/database';
import { action } from '../support';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Create or upgrade the database schema (DATABASE_URL; default sqlite:./data/shipby.db)')
    .action(
      action(async () => {
        const store = openStore();
        try {
          const result = await migrateToLatest(store);
          const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
          console.log(`${describeUrl(store.url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
        } finally {
          await store.close();
        }
      }),
    );
}
