import type { Command } from 'commander';
import { describeUrl, migrateToLatest, openStore } from '../../store/database';
import { localized } from '../../core/i18n';
import { action, say } from '../support';

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
          const where = describeUrl(store.url);
          console.log(
            say(
              applied.length
                ? localized(`${where}: applied ${applied.join(', ')}`, `${where}：已应用 ${applied.join('、')}`)
                : localized(`${where}: up to date`, `${where}：已是最新`),
            ),
          );
        } finally {
          await store.close();
        }
      }),
    );
}
