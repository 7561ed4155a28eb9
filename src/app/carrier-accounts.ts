/**
 * Carrier accounts: where labels are bought, per carrier code or `*` for every carrier without its own. Each names
 * its protocol (`yunexpress`, `4px`, `aliexpress-online`: integrations/carriers/index.ts; the platform's online
 * logistics keeps only the seller centre's sender address id and buys through the order's shop connection), the API's base URL, the account's id at the
 * carrier (YunExpress customer code, 4PX app key) and its secret, encrypted at rest with SHIPBY_MASTER_KEY like the
 * marketplace's credentials (app/secrets.ts; the ciphertext is bound to its carrier row). Listing shows the secret
 * masked; only the label use case's resolver decrypts it, at the moment it builds the adapter.
 */
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import {
  adapterFor,
  CARRIER_PROTOCOLS,
  isCarrierProtocol,
  MARKETPLACE_LOGISTICS_PROTOCOL,
} from '../integrations/carriers/index';
import type { CarrierAdapter } from '../integrations/carriers/types';
import * as packing from '../store/packing';
import type { AppContext } from './context';
import { ConflictError, ValidationError } from './errors';
import { onlineLogisticsAdapter } from './online-logistics';
import { outboundUrlIssues } from './outbound-settings';
import { decryptSecret, encryptSecret, masterKeyFromEnv, SECRET_CONTEXTS, SecretsError } from './secrets';

export interface CarrierAccountInput {
  carrier: string;
  protocol: string;
  baseUrl: string;
  /** YunExpress customer code, 4PX app key. */
  accountId: string;
  /** YunExpress API secret, 4PX app secret. */
  apiKey: string;
}

const secretContext = SECRET_CONTEXTS.carrier;

export async function setCarrierAccount(
  ctx: AppContext,
  input: CarrierAccountInput,
  masterKey?: Buffer,
): Promise<void> {
  const issues: ImportIssue[] = [];
  const issue = (field: string, en: string, zh: string) => issues.push({ row: 0, field, message: localized(en, zh) });
  if (!/^(\*|[a-z0-9][a-z0-9-]{0,31})$/.test(input.carrier))
    issue(
      'carrier',
      'carrier must be a carrier code (china-post, cainiao, …) or * for all.',
      'carrier 须为承运商代码（china-post、cainiao 等）或 * 表示全部。',
    );
  if (!isCarrierProtocol(input.protocol))
    issue(
      'protocol',
      `protocol must be ${CARRIER_PROTOCOLS.join(' or ')}.`,
      `protocol 须为 ${CARRIER_PROTOCOLS.join(' 或 ')}。`,
    );
  if (input.protocol === MARKETPLACE_LOGISTICS_PROTOCOL) {
    // The platform's online logistics: bought through the order's shop connection; only the sender address id is its own.
    const addressId = input.accountId.trim();
    if (!/^\d{1,20}$/.test(addressId))
      issue(
        'account_id',
        "the sender address id from the seller centre's shipping addresses is required (digits).",
        '须填写卖家后台发货地址的地址 ID（数字）。',
      );
    if (issues.length) throw new ValidationError(issues);
    const now = ctx.now();
    await ctx.store.db.transaction().execute((trx) =>
      packing.upsertCarrierAccount(trx, {
        carrier: input.carrier,
        protocol: input.protocol,
        base_url: '',
        account_id: addressId,
        secret_enc: '',
        created_at: now,
        updated_at: now,
      }),
    );
    return;
  }
  try {
    const url = new URL(input.baseUrl);
    if (!/^https?:$/.test(url.protocol)) throw new Error('scheme');
  } catch {
    issue('url', 'url must be an http(s) URL.', 'url 须为 http(s) 地址。');
  }
  if (!issues.some((i) => i.field === 'url')) issues.push(...(await outboundUrlIssues(input.baseUrl, 'url')));
  const accountId = input.accountId.trim();
  if (!accountId)
    issue(
      'account_id',
      "the account's id at the carrier is required (YunExpress customer code, 4PX app key).",
      '必须提供承运商账号（云途客户编号、4PX app key）。',
    );
  else if (input.protocol === 'yunexpress' && accountId.includes('&'))
    issue('account_id', 'a YunExpress customer code cannot contain "&".', '云途客户编号不能包含 “&”。');
  if (!input.apiKey.trim()) issue('api_key', 'the API secret is required.', '必须提供 API 密钥。');
  if (issues.length) throw new ValidationError(issues);
  const secret = encryptSecret(
    masterKey ?? ctx.masterKey ?? masterKeyFromEnv(),
    input.apiKey.trim(),
    secretContext(input.carrier),
  );
  const now = ctx.now();
  await ctx.store.db.transaction().execute((trx) =>
    packing.upsertCarrierAccount(trx, {
      carrier: input.carrier,
      protocol: input.protocol,
      base_url: input.baseUrl,
      account_id: accountId,
      secret_enc: secret,
      created_at: now,
      updated_at: now,
    }),
  );
}

export async function listCarrierAccounts(ctx: AppContext) {
  return (await packing.listCarrierAccounts(ctx.store.db)).map((a) => ({
    carrier: a.carrier,
    protocol: a.protocol,
    base_url: a.base_url,
    account_id: a.account_id,
    secret: a.protocol === MARKETPLACE_LOGISTICS_PROTOCOL ? 'not needed' : a.secret_enc ? 'encrypted' : 'missing',
  }));
}

/** Finds the adapter for a carrier: its own account, else the `*` account. */
export type CarrierResolver = (carrier: string, scope?: { shopId: string }) => Promise<CarrierAdapter | undefined>;

/** The stored accounts' adapters; the secret is decrypted with `masterKey`, else the context's, else SHIPBY_MASTER_KEY. */
export function storedCarrierResolver(ctx: AppContext, masterKey?: Buffer): CarrierResolver {
  return async (carrier, scope) => {
    const accounts = await packing.listCarrierAccounts(ctx.store.db);
    const account = accounts.find((a) => a.carrier === carrier) ?? accounts.find((a) => a.carrier === '*');
    if (!account) return undefined;
    if (account.protocol === MARKETPLACE_LOGISTICS_PROTOCOL) {
      if (!scope) throw new RangeError('the online logistics account buys for an order: give its shop');
      return onlineLogisticsAdapter(ctx, scope.shopId, account.account_id, masterKey);
    }
    const unusable = (en: string, zh: string) =>
      new ConflictError(
        'carrier.account_unusable',
        localized(
          `The carrier account for ${account.carrier === '*' ? 'all carriers' : account.carrier} cannot be used: ${en} Nothing was labelled; set the account again with its secret.`,
          `${account.carrier === '*' ? '全部承运商' : account.carrier} 的承运商账号无法使用：${zh}未生成面单；请重新设置该账号及其密钥。`,
        ),
      );
    if (!isCarrierProtocol(account.protocol))
      throw unusable(
        `its protocol "${account.protocol}" is no longer spoken (${CARRIER_PROTOCOLS.join(', ')} are).`,
        `其协议 “${account.protocol}” 已不再支持（支持：${CARRIER_PROTOCOLS.join('、')}）。`,
      );
    if (!account.secret_enc || !account.account_id)
      throw unusable(
        'its secret was stored before secrets were encrypted and is gone.',
        '其密钥在加密存储之前保存，已失效。',
      );
    let secret: string;
    try {
      secret = decryptSecret(
        masterKey ?? ctx.masterKey ?? masterKeyFromEnv(),
        account.secret_enc,
        secretContext(account.carrier),
      );
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      throw unusable(
        "its secret does not open with this server's master key (the key is missing or changed since the account was set).",
        '其密钥无法用本服务器的主密钥解密（主密钥缺失，或在设置账号后已更换）。',
      );
    }
    return adapterFor({ protocol: account.protocol, baseUrl: account.base_url, accountId: account.account_id, secret });
  };
}
