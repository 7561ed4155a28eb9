/**
 * Authorising a shop at AliExpress from the dashboard (issue 15):
 *
 * - `GET /shops/:shop/marketplace/authorise` (the shop's owner): a top-level navigation from Settings → Shops'
 *   Connect button. Starts an authorisation bound to this browser (a short-lived cookie, SameSite=Lax so that it
 *   comes back with the platform's redirect, which the strict session cookie does not) and redirects to the
 *   platform's consent page; `?format=json` answers the URL instead.
 * - `GET /marketplace/aliexpress/callback?code=&state=` (public: the platform sends the browser here): exchanges the
 *   code, stores the tokens, starts the shop's sync in the background and returns to Settings → Shops. A refusal
 *   is a small page in both languages with the status (400 / 409 / 422 / 502) and a link back to the dashboard.
 * - `GET /marketplace/authorisations`: each of the caller's shops' connection (never a secret).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { aliexpressAppFromEnv, callbackUrl, CALLBACK_PATH } from '../../app/aliexpress-app';
import type { AppContext } from '../../app/context';
import { ConflictError } from '../../app/errors';
import { authorisationList, authoriseLink } from '../schemas/system';
import { listConnectedShops } from '../../app/marketplace';
import { syncShopOrders } from '../../app/order-sync';
import { masterKeyFromEnv } from '../../app/secrets';
import {
  AuthorisationError,
  authorisationViews,
  beginAuthorisation,
  completeAuthorisation,
} from '../../app/shop-authorisation';
import { localized, type Localized } from '../../core/i18n';
import { escapeHtml } from '../../core/html';
import { toIso } from '../../core/time';

export const AUTHORISE_COOKIE = 'shipby_authorise';

export interface MarketplaceAuthOptions {
  /** Where the app key, secret and addresses come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The token calls' fetch (tests); default the outgoing-request guard's. */
  fetch?: typeof fetch;
}

export function marketplaceAuthRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: MarketplaceAuthOptions = {},
): void {
  const env = options.env ?? process.env;
  const deps = () => ({
    app: aliexpressAppFromEnv(env),
    masterKey: ctx.masterKey ?? masterKeyFromEnv(env),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  app.get<{ Params: { shop: string }; Querystring: { format?: 'json' } }>('/shops/:shop/marketplace/authorise', {
    schema: {
      response: { 200: authoriseLink },
      tags: ['system'],
      summary:
        "Start authorising the shop at AliExpress: redirects to the platform's consent page (format=json: answers its URL)",
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { format: { type: 'string', enum: ['json'] } },
      },
    },
    handler: async (request, reply) => {
      const { app: aliexpress } = deps();
      const started = await beginAuthorisation(ctx, aliexpress, {
        shopId: request.params.shop,
        redirectUri: callbackUrl(aliexpress, `${request.protocol}://${request.host}`),
        actor: request.access.actor,
        bindToBrowser: true,
      });
      reply.setCookie(AUTHORISE_COOKIE, started.binding!, {
        path: CALLBACK_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https' || process.env.SHIPBY_SECURE_COOKIES === '1',
        maxAge: Math.max(1, Math.round((started.expiresAt - ctx.now()) / 1000)),
      });
      reply.header('cache-control', 'no-store');
      if (request.query.format === 'json') return { url: started.url, expires_at: toIso(started.expiresAt) };
      return reply.redirect(started.url, 302);
    },
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>(
    CALLBACK_PATH,
    {
      schema: {
        tags: ['system'],
        summary: 'Where AliExpress sends the seller back after the consent page (code and state)',
        querystring: {
          type: 'object',
          properties: {
            code: { type: 'string' },
            state: { type: 'string' },
            error: { type: 'string' },
            error_description: { type: 'string' },
          },
        },
      },
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        reply.clearCookie(AUTHORISE_COOKIE, { path: CALLBACK_PATH });
        try {
          const d = deps();
          const done = await completeAuthorisation(ctx, d, {
            state: request.query.state,
            code: request.query.code,
            error: request.query.error,
            binding: request.cookies?.[AUTHORISE_COOKIE],
          });
          // The first sync starts now, in the background: the dashboard shows it when it lands.
          void syncShopOrders(ctx, done.shopId, { masterKey: d.masterKey }).then(
            (report) =>
              request.log.info(
                `first sync of ${done.shopId} after authorisation: ${report.status}, ${report.created} new`,
              ),
            (error: unknown) =>
              request.log.error(
                `first sync of ${done.shopId} after authorisation failed: ${error instanceof Error ? error.message : String(error)}`,
              ),
          );
          return reply.redirect(`/#/settings/shops?for=${encodeURIComponent(done.shopId)}`, 302);
        } catch (error) {
          if (error instanceof AuthorisationError)
            return refusalPage(request, reply, error.status, error.reason, error.localizedMessage);
          if (error instanceof ConflictError)
            return refusalPage(request, reply, 409, error.rule, error.localizedMessage);
          throw error;
        }
      },
    },
  );

  app.get('/marketplace/authorisations', {
    schema: {
      response: { 200: authorisationList },
      tags: ['system'],
      summary:
        "Each of your shops' marketplace authorisation: connected or not, paused and why, token ends (never a secret)",
    },
    handler: async (request) => {
      const shops = request.access.shops ?? (await listConnectedShops(ctx));
      const views = await authorisationViews(ctx, shops);
      return {
        items: views.map((v) => ({
          shop_id: v.shopId,
          connected: v.connected,
          state: v.state,
          source: v.source,
          account: v.account,
          access_expires_at: v.accessExpiresAt === null ? null : toIso(v.accessExpiresAt),
          refresh_expires_at: v.refreshExpiresAt === null ? null : toIso(v.refreshExpiresAt),
          paused_reason: v.pausedReason,
          last_sync_at: v.lastSyncAt === null ? null : toIso(v.lastSyncAt),
        })),
      };
    },
  });
}

/** A refusal the seller's browser lands on: both languages, the status, and the way back to the dashboard. */
function refusalPage(request: FastifyRequest, reply: FastifyReply, status: number, reason: string, message: Localized) {
  if ((request.headers.accept ?? '').includes('application/json')) {
    return reply.status(status).send({ error: { code: reason, message: message.en, messages: message } });
  }
  const back = localized('Back to Settings → Shops', '返回「设置 → 店铺」');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>shipby — authorisation not completed</title></head><body>
<h1>Authorisation not completed · 授权未完成</h1>
<p lang="en" data-testid="authorisation-error" data-reason="${escapeHtml(reason)}">${escapeHtml(message.en)}</p>
<p lang="zh-CN">${escapeHtml(message['zh-CN'])}</p>
<p><a href="/#/settings/shops">${escapeHtml(back.en)} · ${escapeHtml(back['zh-CN'])}</a></p></body></html>`;
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}
