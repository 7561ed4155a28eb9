/**
 * What the dashboard needs besides the resource routes: the health check, the caller's shops with their policy
 * choice, the notices above every screen, and the alert webhooks (never their secrets).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { listWebhooks } from '../../app/deadlines';
import { databaseHealth } from '../../app/health';
import { marketplaceNotices } from '../../app/marketplace-outage';
import { listShopsWithPolicy } from '../../app/policies';
import { authorisationNotices } from '../../app/shop-authorisation';
import { localized, pickLocale } from '../../core/i18n';
import { toIso } from '../../core/time';
import { isInstallationOwner } from '../access';
import { DATABASE_RETRY_AFTER_SECONDS, errorBody } from '../errors';
import { health, noticeList, shopList, webhookList } from '../schemas/system';

export function systemRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Which dependency is down, if any: 200 when the database answers, 503 (with Retry-After) when it does not.
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        response: { 200: health, 503: health },
        tags: ['system'],
        summary: 'Liveness, the database in use, and whether each dependency is up (503 when one is down)',
      },
    },
    async (request, reply) => {
      const database = await databaseHealth(ctx);
      if (database.up) return { ok: true, database: ctx.store.dialect, dependencies: { database: 'up' } };
      request.log.warn(`health: database down (${database.error})`);
      return reply
        .status(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
        .send({
          ok: false,
          database: ctx.store.dialect,
          dependencies: { database: 'down' },
          ...errorBody(
            request,
            'database_unavailable',
            localized(
              'The database is unavailable; shipby reconnects by itself when it is back.',
              '数据库不可用；恢复后 shipby 会自动重新连接。',
            ),
          ),
        });
    },
  );

  // What the dashboard needs besides the resource routes: the caller's shops with their policy choice, and
  // the alert webhooks (never their secrets).
  app.get(
    '/shops',
    {
      schema: {
        tags: ['system'],
        summary: 'Your shops, each with its policy choice (default policy, per order type, overrides)',
        response: { 200: shopList },
      },
    },
    async (request) => {
      const shops = await listShopsWithPolicy(ctx, request.access.shops);
      return {
        items: shops.map(({ shop, choice }) => ({
          id: shop.id,
          name: shop.name,
          platform: shop.platform,
          created_at: toIso(shop.created_at),
          policy: {
            policy_id: choice.defaultPolicyId,
            by_order_type: choice.byOrderType ?? null,
            overrides: choice.overrides ?? null,
          },
        })),
      };
    },
  );
  // What the dashboard shows above every screen: an outage of a marketplace while it lasts, with what to do.
  app.get(
    '/notices',
    {
      schema: {
        tags: ['system'],
        summary:
          'Notices for every screen: each marketplace outage in progress, and each of your shops paused until it is authorised again (since when, what to do), in English and Chinese',
        response: { 200: noticeList },
      },
    },
    async (request) => {
      const locale = pickLocale(request.headers['accept-language']);
      const notices = await marketplaceNotices(ctx);
      // A shop paused until it is authorised again: to its own users only.
      const paused = await authorisationNotices(ctx, request.access.shops);
      return {
        items: [
          ...notices.map((n) => ({
            kind: n.kind,
            level: n.level,
            platform: n.platform,
            since: toIso(n.since),
            failures: n.failures,
            message: n.message[locale],
            messages: n.message,
          })),
          ...paused.map((n) => ({
            kind: n.kind,
            level: n.level,
            platform: n.platform,
            shop_id: n.shopId,
            since: toIso(n.since),
            message: n.message[locale],
            messages: n.message,
          })),
        ],
      };
    },
  );
  app.get(
    '/webhooks',
    {
      schema: {
        tags: ['deadlines'],
        summary:
          "The alert webhooks of your shops (URL and scope; the secret is never returned); the installation-wide ones to the installation's owners only",
        response: { 200: webhookList },
      },
    },
    async (request) => {
      const rows = await listWebhooks(ctx, request.access.shops, { installationWide: isInstallationOwner(request) });
      return { items: rows.map((r) => ({ ...r, created_at: toIso(r.created_at) })) };
    },
  );
}
