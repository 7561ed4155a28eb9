/**
 * `shipby secrets rotate` (issue 19): every stored secret — marketplace app secrets and tokens, carrier keys, alert
 * webhook secrets, tracking providers' webhook secrets and API keys — opened with the old master key and sealed
 * again with the new one, in one transaction: either every secret opens with the new key afterwards, or nothing
 * changed (a secret that does not open with the old key stops the rotation, naming its row). Secrets stored in
 * clear before they were encrypted are sealed on the way.
 */
import { localized } from '../core/i18n';
import type { Executor } from '../store/orders';
import type { AppContext } from './context';
import { encryptSecret, isSealed, openStoredSecret, SECRET_CONTEXTS, SecretsError } from './secrets';

export interface RotationReport {
  /** Secrets re-encrypted, per table. */
  marketplace: number;
  carriers: number;
  webhooks: number;
  providers: number;
  /** Of them, how many were still in clear (now sealed). */
  wasClear: number;
}

/** One stored secret: where it is, what it is bound to, and how to write it back. */
interface StoredSecret {
  where: string;
  value: string;
  context: string;
  write(trx: Executor, sealed: string): Promise<void>;
}

async function storedSecrets(
  trx: Executor,
): Promise<Array<StoredSecret & { table: keyof Omit<RotationReport, 'wasClear'> }>> {
  const found: Array<StoredSecret & { table: keyof Omit<RotationReport, 'wasClear'> }> = [];
  for (const row of await trx
    .selectFrom('marketplace_connections')
    .select(['shop_id', 'app_secret_enc', 'access_token_enc', 'refresh_token_enc'])
    .execute()) {
    found.push({
      table: 'marketplace',
      where: `shop ${row.shop_id} app_secret`,
      value: row.app_secret_enc,
      context: SECRET_CONTEXTS.marketplace(row.shop_id, 'app_secret'),
      write: async (t, v) =>
        void (await t
          .updateTable('marketplace_connections')
          .set({ app_secret_enc: v })
          .where('shop_id', '=', row.shop_id)
          .execute()),
    });
    found.push({
      table: 'marketplace',
      where: `shop ${row.shop_id} access_token`,
      value: row.access_token_enc,
      context: SECRET_CONTEXTS.marketplace(row.shop_id, 'access_token'),
      write: async (t, v) =>
        void (await t
          .updateTable('marketplace_connections')
          .set({ access_token_enc: v })
          .where('shop_id', '=', row.shop_id)
          .execute()),
    });
    const refreshToken = row.refresh_token_enc;
    if (refreshToken)
      found.push({
        table: 'marketplace',
        where: `shop ${row.shop_id} refresh_token`,
        value: refreshToken,
        context: SECRET_CONTEXTS.marketplace(row.shop_id, 'refresh_token'),
        write: async (t, v) =>
          void (await t
            .updateTable('marketplace_connections')
            .set({ refresh_token_enc: v })
            .where('shop_id', '=', row.shop_id)
            .execute()),
      });
  }
  for (const row of await trx
    .selectFrom('carrier_accounts')
    .select(['carrier', 'secret_enc'])
    .where('secret_enc', '!=', '')
    .execute()) {
    found.push({
      table: 'carriers',
      where: `carrier ${row.carrier}`,
      value: row.secret_enc,
      context: SECRET_CONTEXTS.carrier(row.carrier),
      write: async (t, v) =>
        void (await t
          .updateTable('carrier_accounts')
          .set({ secret_enc: v })
          .where('carrier', '=', row.carrier)
          .execute()),
    });
  }
  for (const row of await trx.selectFrom('alert_webhooks').select(['id', 'secret']).execute()) {
    found.push({
      table: 'webhooks',
      where: `alert webhook ${row.id}`,
      value: row.secret,
      context: SECRET_CONTEXTS.alertWebhook(row.id),
      write: async (t, v) =>
        void (await t.updateTable('alert_webhooks').set({ secret: v }).where('id', '=', row.id).execute()),
    });
  }
  for (const row of await trx
    .selectFrom('tracking_providers')
    .select(['name', 'webhook_secret', 'api_key'])
    .execute()) {
    found.push({
      table: 'providers',
      where: `tracking provider ${row.name} webhook_secret`,
      value: row.webhook_secret,
      context: SECRET_CONTEXTS.trackingProvider(row.name, 'webhook_secret'),
      write: async (t, v) =>
        void (await t
          .updateTable('tracking_providers')
          .set({ webhook_secret: v })
          .where('name', '=', row.name)
          .execute()),
    });
    if (row.api_key !== null) {
      found.push({
        table: 'providers',
        where: `tracking provider ${row.name} api_key`,
        value: row.api_key,
        context: SECRET_CONTEXTS.trackingProvider(row.name, 'api_key'),
        write: async (t, v) =>
          void (await t.updateTable('tracking_providers').set({ api_key: v }).where('name', '=', row.name).execute()),
      });
    }
  }
  return found;
}

export async function rotateSecrets(ctx: AppContext, oldKey: Buffer, newKey: Buffer): Promise<RotationReport> {
  if (oldKey.equals(newKey))
    throw new SecretsError(
      localized('The new master key is the current one: nothing to rotate.', '新主密钥与当前密钥相同：无需轮换。'),
    );
  return ctx.store.db.transaction().execute(async (trx) => {
    const report: RotationReport = { marketplace: 0, carriers: 0, webhooks: 0, providers: 0, wasClear: 0 };
    for (const secret of await storedSecrets(trx)) {
      let plain: string;
      try {
        plain = openStoredSecret(() => oldKey, secret.value, secret.context);
      } catch {
        throw new SecretsError(
          localized(
            `The secret of ${secret.where} does not open with the current master key: nothing was rotated.`,
            `${secret.where} 的密钥无法用当前主密钥解密：未做任何轮换。`,
          ),
        );
      }
      if (!isSealed(secret.value)) report.wasClear++;
      await secret.write(trx, encryptSecret(newKey, plain, secret.context));
      report[secret.table]++;
    }
    return report;
  });
}
