/**
 * `shipby secrets rotate --new-key-file FILE`: every stored secret re-encrypted from the current master key
 * (SHIPBY_MASTER_KEY, else the data folder's key file) to the new one, in one transaction (app/secrets-rotation.ts).
 * Stop the servers first: one still running with the old key would seal new secrets with it.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { rotateSecrets } from '../../app/secrets-rotation';
import { MASTER_KEY_ENV, masterKeyFile, masterKeyFromEnv, parseMasterKey } from '../../app/secrets';
import { localized } from '../../core/i18n';
import { action, say, withApp } from '../support';

export function register(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('Stored secrets (marketplace tokens, carrier keys, webhook and provider secrets)');
  secrets
    .command('rotate')
    .description(
      'Re-encrypt every stored secret from the current master key to a new one, in one transaction (stop the servers first)',
    )
    .requiredOption(
      '--new-key-file <file>',
      'a file holding the new key: 32 random bytes as base64 or 64 hex digits, e.g. from `openssl rand -base64 32`',
    )
    .action(
      action(async (options: { newKeyFile: string }) => {
        const oldKey = masterKeyFromEnv();
        const newKey = parseMasterKey(fs.readFileSync(options.newKeyFile, 'utf8'));
        const report = await withApp((ctx) => rotateSecrets(ctx, oldKey, newKey));
        const total = report.marketplace + report.carriers + report.webhooks + report.providers;
        console.log(
          say(
            localized(
              `Re-encrypted ${total} secrets (marketplace ${report.marketplace}, carriers ${report.carriers}, webhooks ${report.webhooks}, tracking providers ${report.providers}; ${report.wasClear} were in clear).`,
              `已重新加密 ${total} 个密钥（平台 ${report.marketplace}，承运商 ${report.carriers}，Webhook ${report.webhooks}，追踪服务商 ${report.providers}；其中 ${report.wasClear} 个原为明文）。`,
            ),
          ),
        );
        if (process.env[MASTER_KEY_ENV]) {
          console.log(
            say(
              localized(
                `Set ${MASTER_KEY_ENV} to the new key before starting the servers again; keep the old one until a backup with the new key exists.`,
                `请在重新启动服务前把 ${MASTER_KEY_ENV} 改为新密钥；在用新密钥做好备份之前保留旧密钥。`,
              ),
            ),
          );
        } else {
          // The key came from the data folder's key file: it holds the new key now (written whole, then renamed).
          const file = masterKeyFile();
          fs.writeFileSync(`${file}.new`, `${newKey.toString('base64')}\n`, { mode: 0o600 });
          fs.renameSync(`${file}.new`, file);
          console.log(
            say(
              localized(
                `The key file ${file} now holds the new key; back it up with the store.`,
                `密钥文件 ${file} 已写入新密钥；请与数据一起备份。`,
              ),
            ),
          );
        }
      }),
    );
}
