import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { publicUrlFromEnv } from '../../app/public-url';
import { deliveryDrainerOf, receiveWebhook } from '../../app/tracking';
import { listProviders, providerKinds, saveProvider } from '../../app/tracking';
import { getParcelTracking, listParcels, listProblems, listUnmatchedEvents } from '../../app/tracking';
import { localized } from '../../core/i18n';
import { isInstallationOwner, shopFilter } from '../access';
import { errorBody } from '../errors';
import { errorSchema, ref } from '../schemas/common';
import { parcelPage, parcelProblems, trackingProviders, unmatchedEvents, webhookReceived } from '../schemas/parcels';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export function trackingRoutes(app: FastifyInstance, ctx: AppContext): void {
  webhookRoute(app, ctx);
  providerRoutes(app, ctx);
  parcelRoutes(app, ctx);
}

/** A provider's webhook: stored before the answer, processed behind it. */
function webhookRoute(app: FastifyInstance, ctx: AppContext): void {
  const drainer = deliveryDrainerOf(ctx, (error) =>
    app.log.error({ err: error }, 'tracking deliveries: processing failed; the job retries them'),
  );

  // The webhook needs the body exactly as signed: its own scope reads every content type as a string.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    scope.post<{ Params: { provider: string }; Body: string }>('/tracking/webhooks/:provider', {
      schema: {
        response: { 200: webhookReceived, 202: webhookReceived, 400: errorSchema, 401: errorSchema, 404: errorSchema },
        tags: ['tracking'],
        summary:
          "Carrier events from a tracking provider, as the provider sends them: 17TRACK signs with header `sign` (SHA-256 of body + '/' + key), AfterShip with `aftership-hmac-sha256` (base64 HMAC-SHA256 of the body). Stored before the answer (202) and processed behind it; missing or wrong signature 401 (stored nowhere), unknown shape 400 (stored, never applied), a delivery received before 200",
        params: { type: 'object', required: ['provider'], properties: { provider: { type: 'string' } } },
      },
      handler: async (request, reply) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers))
          headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
        const body = typeof request.body === 'string' ? request.body : '';
        const answer = await receiveWebhook(ctx, request.params.provider, headers, body);
        switch (answer.status) {
          case 202:
            drainer.kick();
            return reply
              .status(202)
              .send({ accepted: true, delivery_id: answer.deliveryId, set_aside: answer.setAside });
          case 200:
            return reply.status(200).send({ accepted: true, duplicate: true });
          case 401:
            return reply
              .status(401)
              .send(
                errorBody(
                  request,
                  'unauthorized',
                  answer.reason === 'missing'
                    ? localized(
                        `The ${answer.header} signature header is missing; nothing was stored.`,
                        `缺少 ${answer.header} 签名请求头；未保存任何内容。`,
                      )
                    : localized(
                        `The ${answer.header} signature does not match this provider's webhook secret; nothing was stored. Check the secret under Tracking providers in the dashboard.`,
                        `${answer.header} 签名与该服务商的 webhook 密钥不符；未保存任何内容。请在控制台的物流追踪服务商中核对密钥。`,
                      ),
                ),
              );
          case 404:
            return reply
              .status(404)
              .send(
                errorBody(
                  request,
                  'not_found',
                  localized(
                    `No tracking provider "${request.params.provider}"; add it under Tracking providers in the dashboard.`,
                    `没有名为「${request.params.provider}」的物流追踪服务商；请在控制台的物流追踪服务商中添加。`,
                  ),
                ),
              );
          case 400:
            request.log.warn(
              { provider: request.params.provider, problem: answer.message },
              'tracking webhook of an unknown shape',
            );
            return reply
              .status(400)
              .send(
                errorBody(
                  request,
                  'malformed',
                  localized(
                    `The body is not a webhook of this provider: ${answer.message}. It was kept for review and nothing of it was applied.`,
                    `请求体不是该服务商的推送：${answer.message}。已保存待查，未应用任何内容。`,
                  ),
                ),
              );
        }
      },
    });
  });
}

/** The tracking providers: listed, added or changed. */
function providerRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/tracking/providers',
    {
      schema: {
        response: { 200: trackingProviders },
        tags: ['tracking'],
        summary:
          "The tracking providers (never their secrets); their addresses, polling settings and whether an API key is stored, and the webhook addresses' base (the configured public address), to the installation's owners only; and the kinds of provider with the API versions each speaks",
      },
    },
    async (request) => {
      const providers = await listProviders(ctx);
      // A tenant learns which providers track its parcels, not where the installation reaches them.
      if (!isInstallationOwner(request))
        return {
          items: providers.map((p) => ({ name: p.name, kind: p.kind, api_version: p.api_version, polls: p.polls })),
          kinds: providerKinds(),
        };
      return { items: providers, kinds: providerKinds(), webhook_base: publicUrlFromEnv() ?? null };
    },
  );

  app.put<{
    Params: { name: string };
    Body: {
      kind: string;
      base_url?: string;
      api_key?: string;
      api_version?: string;
      webhook_secret?: string;
      polls?: boolean;
      cadence?: Record<string, number>;
    };
  }>('/tracking/providers/:name', {
    schema: {
      tags: ['tracking'],
      summary:
        'Add or change a tracking provider (kind seventeen or aftership): its webhook secret, API key and version (17TRACK v2.4 or v2.2; AfterShip 2025-01, 2024-10 or 2024-07), and whether (and how often) it is polled. A change may leave out the webhook secret and the API key: the stored ones are kept (an empty api_key removes it)',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      body: {
        type: 'object',
        required: ['kind'],
        additionalProperties: false,
        properties: {
          kind: { type: 'string' },
          base_url: { type: 'string' },
          api_key: { type: 'string' },
          api_version: { type: 'string' },
          webhook_secret: { type: 'string' },
          polls: { type: 'boolean' },
          cadence: { type: 'object', additionalProperties: { type: 'number' } },
        },
      },
      response: { 200: ref('TrackingProvider'), 400: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      return saveProvider(ctx, {
        name: request.params.name,
        kind: b.kind,
        baseUrl: b.base_url ?? null,
        ...(b.api_key !== undefined ? { apiKey: b.api_key } : {}),
        apiVersion: b.api_version ?? null,
        ...(b.webhook_secret !== undefined ? { webhookSecret: b.webhook_secret } : {}),
        polls: b.polls ?? false,
        cadence: b.cadence ?? null,
      });
    },
  });
}

/** Parcels: those with a problem, every one, one's tracking, and the events no parcel claims yet. */
function parcelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { problem?: string; shop?: string; limit?: number } }>('/parcels', {
    schema: {
      tags: ['tracking'],
      summary:
        'Parcels with an open problem: not_online, invalid_number, scan_before_payment, wrong_destination (false_shipment = those three), stalled, delivery_failed, returning, returned, lost_damaged, extension_proposed, or any',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          problem: { type: 'string' },
          shop: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      },
      response: { 200: parcelProblems, 400: errorSchema },
    },
    handler: async (request) => ({
      items: await listProblems(ctx, {
        kind: request.query.problem ?? 'any',
        shopIds: shopFilter(request, request.query.shop),
        limit: request.query.limit,
      }),
    }),
  });

  app.get<{ Querystring: { shop?: string; limit?: number; before?: number } }>('/parcels/all', {
    schema: {
      tags: ['tracking'],
      summary:
        'Every parcel (voided ones aside), newest first, with its normalised tracking status and open problem count; `before` = next_before of the previous page',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          shop: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 500 },
          before: { type: 'integer', minimum: 1 },
        },
      },
      response: { 200: parcelPage },
    },
    handler: async (request) =>
      listParcels(ctx, {
        shopIds: shopFilter(request, request.query.shop),
        limit: request.query.limit,
        before: request.query.before,
      }),
  });

  app.get<{ Params: { id: number } }>('/parcels/:id/tracking', {
    schema: {
      tags: ['tracking'],
      summary: "A parcel's tracking: normalised status beside the carrier's raw one, every event, and its problems",
      params: idParams,
      response: { 200: ref('ParcelTracking'), 404: errorSchema },
    },
    handler: async (request) => getParcelTracking(ctx, request.params.id),
  });

  // Events kept aside belong to no shop yet: any tenant's number could be among them, so only the installation's
  // owners see them (issue 19, finding 9); they reach a shop's screens once one of its parcels claims them.
  app.get(
    '/tracking/unmatched',
    {
      schema: {
        response: { 200: unmatchedEvents },
        tags: ['tracking'],
        summary:
          "Carrier events kept aside: no parcel has their number yet (matched when one does); the installation's owners only, others get an empty list",
      },
    },
    async (request) => ({
      items: isInstallationOwner(request) ? await listUnmatchedEvents(ctx) : [],
    }),
  );
}
