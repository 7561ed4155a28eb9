/**
 * Tracking providers (17TRACK, AfterShip): their webhook secret, API access and version, and polling cadence. A
 * provider with an API key (or a base URL: a stand-in, the sample provider) can be called: numbers are registered with
 * it when their label is bought, and the polling one is polled.
 */
import { localized } from '../../core/i18n';
import { DEFAULT_POLL_CADENCE, parsePollCadence, pollCadenceIssues, type PollCadence } from '../../core/tracking-poll';
import {
  API_VERSIONS,
  DEFAULT_BASE_URLS,
  apiVersionOf,
  isProviderKind,
  pollingClientFor,
  type PollingClient,
} from '../../integrations/tracking/provider';
import type { Executor } from '../../store/orders';
import type { TrackingProviderRow } from '../../store/schema-tracking';
import type { AppContext } from '../context';
import { ValidationError } from '../errors';
import { outboundUrlIssues } from '../outbound-settings';
import { encryptSecret, masterKeyOf, openStoredSecret, SECRET_CONTEXTS } from '../secrets';

// ---------------------------------------------------------------------------------------------------------------
// Providers

export interface ProviderInput {
  name: string;
  kind: string;
  baseUrl?: string | null;
  /** The API key; left out, the stored one is kept (a new provider has none); null or empty removes it. */
  apiKey?: string | null;
  /** The webhook secret; left out, the stored one is kept (a new provider needs one). */
  webhookSecret?: string;
  apiVersion?: string | null;
  polls?: boolean;
  cadence?: Partial<PollCadence> | null;
}

export async function saveProvider(ctx: AppContext, input: ProviderInput): Promise<TrackingProviderView> {
  const stored = await getProviderRow(ctx.store.db, input.name);
  // A secret left out keeps the stored one (an edit in the dashboard, which never reads secrets back).
  const keepsSecret = input.webhookSecret === undefined && stored !== undefined;
  const keepsApiKey = input.apiKey === undefined && stored?.api_key != null;
  const issues = [];
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(input.name))
    issues.push({
      row: 0,
      field: 'name',
      message: localized(
        'the name is lower-case letters, digits, _ and - (at most 40).',
        '名称只能包含小写字母、数字、_ 和 -（最多 40 个字符）。',
      ),
    });
  if (!isProviderKind(input.kind))
    issues.push({
      row: 0,
      field: 'kind',
      message: localized('kind is seventeen or aftership.', 'kind 必须是 seventeen 或 aftership。'),
    });
  if (!keepsSecret && (!input.webhookSecret || input.webhookSecret.length < 16))
    issues.push({
      row: 0,
      field: 'webhook_secret',
      message: localized('the webhook secret must be at least 16 characters.', 'webhook secret 至少需要 16 个字符。'),
    });
  if (input.baseUrl && !/^https?:\/\/\S+$/.test(input.baseUrl))
    issues.push({
      row: 0,
      field: 'base_url',
      message: localized('base_url must be an http(s) URL.', 'base_url 必须是 http(s) 地址。'),
    });
  else if (input.baseUrl) issues.push(...(await outboundUrlIssues(input.baseUrl, 'base_url')));
  if (input.apiVersion && isProviderKind(input.kind) && !API_VERSIONS[input.kind].includes(input.apiVersion)) {
    const versions = API_VERSIONS[input.kind].join(', ');
    issues.push({
      row: 0,
      field: 'api_version',
      message: localized(
        `api_version of a ${input.kind} provider is one of ${versions}.`,
        `${input.kind} 服务商的 api_version 只能是 ${versions} 之一。`,
      ),
    });
  }
  if (input.polls && !input.baseUrl && !input.apiKey && !keepsApiKey)
    issues.push({
      row: 0,
      field: 'polls',
      message: localized(
        'a provider is polled with its API key: give the api_key (or a base_url).',
        '轮询需要服务商的 API 密钥：请填写 api_key（或 base_url）。',
      ),
    });
  const cadenceIssues = input.cadence ? pollCadenceIssues(input.cadence) : [];
  issues.push(...cadenceIssues);
  const cadence = input.cadence && !cadenceIssues.length ? parsePollCadence(input.cadence) : null;
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  const row = {
    name: input.name,
    kind: input.kind,
    base_url: input.baseUrl ?? null,
    // Both secrets stored encrypted, bound to the provider and field (issue 19, finding 9).
    api_key: keepsApiKey
      ? stored!.api_key
      : input.apiKey
        ? encryptSecret(masterKeyOf(ctx), input.apiKey, SECRET_CONTEXTS.trackingProvider(input.name, 'api_key'))
        : null,
    webhook_secret: keepsSecret
      ? stored!.webhook_secret
      : encryptSecret(
          masterKeyOf(ctx),
          input.webhookSecret!,
          SECRET_CONTEXTS.trackingProvider(input.name, 'webhook_secret'),
        ),
    polls: input.polls ? 1 : 0,
    cadence: cadence ? JSON.stringify(cadence) : null,
    api_version: input.apiVersion ?? null,
    created_at: now,
    updated_at: now,
  };
  await ctx.store.db
    .insertInto('tracking_providers')
    .values(row)
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        kind: row.kind,
        base_url: row.base_url,
        api_key: row.api_key,
        webhook_secret: row.webhook_secret,
        polls: row.polls,
        cadence: row.cadence,
        api_version: row.api_version,
        updated_at: now,
      }),
    )
    .execute();
  return providerView((await getProviderRow(ctx.store.db, input.name))!);
}

export interface TrackingProviderView {
  name: string;
  kind: string;
  base_url: string | null;
  api_version: string | null;
  polls: boolean;
  cadence: PollCadence;
  webhook_path: string;
  /** Whether an API key is stored (never the key). */
  api_key_stored: boolean;
}

function providerView(row: TrackingProviderRow): TrackingProviderView {
  return {
    name: row.name,
    kind: row.kind,
    base_url: row.base_url,
    api_version: isProviderKind(row.kind) ? apiVersionOf(row.kind, row.api_version) : null,
    polls: row.polls === 1,
    cadence: cadenceOf(row),
    webhook_path: `/tracking/webhooks/${row.name}`,
    api_key_stored: row.api_key !== null,
  };
}

export function cadenceOf(row: TrackingProviderRow | undefined): PollCadence {
  return row?.cadence ? parsePollCadence(JSON.parse(row.cadence)) : DEFAULT_POLL_CADENCE;
}

/** The kinds of provider shipby speaks and the API versions of each, the default first. */
export function providerKinds(): Array<{ kind: string; api_versions: string[] }> {
  return Object.entries(API_VERSIONS).map(([kind, versions]) => ({ kind, api_versions: [...versions] }));
}

export async function listProviders(ctx: AppContext): Promise<TrackingProviderView[]> {
  return (await ctx.store.db.selectFrom('tracking_providers').selectAll().orderBy('name').execute()).map(providerView);
}

export async function getProviderRow(db: Executor, name: string): Promise<TrackingProviderRow | undefined> {
  return db.selectFrom('tracking_providers').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function pollingProvider(db: Executor): Promise<TrackingProviderRow | undefined> {
  return db
    .selectFrom('tracking_providers')
    .selectAll()
    .where('polls', '=', 1)
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
}

/** The provider's API client (registration and polling), or undefined when it has no API access configured. */
export function clientOfProvider(
  row: TrackingProviderRow,
  options: { fetch?: typeof fetch; masterKey?: Buffer } = {},
): PollingClient | undefined {
  if (!isProviderKind(row.kind) || (!row.base_url && !row.api_key)) return undefined;
  const apiKey =
    row.api_key === null
      ? null
      : openStoredSecret(
          () => masterKeyOf(options),
          row.api_key,
          SECRET_CONTEXTS.trackingProvider(row.name, 'api_key'),
        );
  return pollingClientFor(row.kind, {
    baseUrl: row.base_url ?? DEFAULT_BASE_URLS[row.kind],
    apiKey,
    version: row.api_version,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
