/**
 * What an owner manages over HTTP: the users and their roles, the API keys, the audit log, and one buyer's data
 * (exported or erased). Registered by authRoutes (auth.ts), after the sign-in routes.
 */
import type { FastifyInstance } from 'fastify';
import {
  createApiKey,
  listApiKeys,
  listAudit,
  listUsers,
  managedShops,
  parseRole,
  revokeApiKey,
  type Principal,
} from '../../app/accounts';
import { eraseBuyer, exportBuyer } from '../../app/buyers';
import type { AppContext } from '../../app/context';
import { ROLES } from '../../core/access';
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { requirePrincipal } from '../access';
import { errorSchema } from '../schemas/common';
import { auditLines, buyerErased, buyerExport, keyCreated, keyList, keyRevoked, userList } from '../schemas/access';

/** What the caller manages: undefined for the whole account (an account owner), else the shops it owns. */
function managedScope(principal: Principal): string[] | undefined {
  const managed = managedShops(principal);
  return managed === 'account' ? undefined : managed;
}

export function authAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  userRoutes(app, ctx);
  keyRoutes(app, ctx);
  auditRoute(app, ctx);
  buyerDataRoutes(app, ctx);
}

/** The users an owner manages and their roles per shop. */
function userRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/users',
    {
      schema: {
        response: { 200: userList },
        tags: ['access'],
        summary:
          'The users an owner manages and their roles per shop: the whole account for an account owner, else those of the shops they own',
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const users = await listUsers(ctx, principal.accountId, managedScope(principal));
      return {
        items: users.map((u) => ({
          id: u.id,
          email: u.email,
          name: u.name,
          account_owner: u.account_owner === 1,
          locked_until: toIso(u.locked_until),
          disabled_at: toIso(u.disabled_at),
          created_at: toIso(u.created_at),
          shops: u.shops,
        })),
      };
    },
  );
}

/** The API keys an owner manages: listed, created, revoked. */
function keyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/keys',
    {
      schema: {
        response: { 200: keyList },
        tags: ['access'],
        summary:
          "The API keys an owner manages (the account's, or those of the shops they own): name, prefix, role, shops, last use (never the key)",
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const keys = await listApiKeys(ctx, principal.accountId, managedScope(principal));
      return {
        items: keys.map((k) => ({
          ...k,
          created_at: toIso(k.created_at),
          last_used_at: toIso(k.last_used_at),
          revoked_at: toIso(k.revoked_at),
        })),
      };
    },
  );

  app.post<{ Body: { name: string; role: string; shops: string[] } }>('/keys', {
    schema: {
      tags: ['access'],
      summary:
        'Create an API key for a machine, scoped to shops and a role. The key is in this answer only; it is stored hashed',
      body: {
        type: 'object',
        required: ['name', 'role', 'shops'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 80 },
          role: { type: 'string', enum: [...ROLES] },
          shops: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1 } },
        },
      },
      response: { 201: keyCreated, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request, reply) => {
      const principal = requirePrincipal(request);
      const key = await createApiKey(ctx, {
        accountId: principal.accountId,
        name: request.body.name,
        role: parseRole(request.body.role),
        shopIds: request.body.shops,
        createdBy: principal.name,
        madeBy: principal,
      });
      return reply.status(201).send({
        id: key.id,
        key: key.token,
        prefix: key.prefix,
        warning: localized('Copy the key now: it is not shown again.', '请立即复制密钥：之后不会再显示。'),
      });
    },
  });

  app.delete<{ Params: { id: number } }>('/keys/:id', {
    schema: {
      tags: ['access'],
      summary: 'Revoke an API key (of the shops one owns) and the keys it made: their next request is refused',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      response: { 200: keyRevoked, 404: errorSchema },
    },
    handler: async (request) => {
      const principal = requirePrincipal(request);
      const revoked = await revokeApiKey(
        ctx,
        principal.accountId,
        request.params.id,
        principal.name,
        managedScope(principal),
      );
      return { revoked: true, keys: revoked };
    },
  });
}

/** The audit log: who did what, when and from where. */
function auditRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { shop?: string; order_id?: number; before?: number; limit?: number } }>('/audit', {
    schema: {
      response: { 200: auditLines },
      tags: ['access'],
      summary:
        'The audit log: who did what, when and from where (logins, key use, settings changes, order actions), newest first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          shop: { type: 'string' },
          order_id: { type: 'integer', minimum: 1 },
          before: { type: 'integer', minimum: 1 },
          limit: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      },
    },
    handler: async (request) => {
      const principal = requirePrincipal(request);
      // A shop owner reads their shops' lines and their own account-wide ones; an account owner the account's.
      const own = principal.accountOwner ? {} : { accountWideOf: { kind: principal.kind, id: principal.id } };
      const rows = await listAudit(ctx, {
        accountId: principal.accountId,
        shopIds: request.access.shops,
        ...own,
        ...(request.query.order_id ? { orderId: request.query.order_id } : {}),
        ...(request.query.before ? { beforeId: request.query.before } : {}),
        limit: request.query.limit ?? 100,
      });
      return { items: rows.map((r) => ({ ...r, at: toIso(r.at), detail: r.detail ? JSON.parse(r.detail) : null })) };
    },
  });
}

/** One buyer's personal data: exported, or erased. */
function buyerDataRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { shop: string }; Querystring: { buyer: string } }>('/shops/:shop/buyers/export', {
    schema: {
      tags: ['access'],
      summary:
        'Everything the shop holds about one buyer (marketplace login id or exact name): orders, address, phone, parcels, notes, timeline',
      querystring: {
        type: 'object',
        required: ['buyer'],
        additionalProperties: false,
        properties: { buyer: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      response: { 200: buyerExport, 404: errorSchema },
    },
    handler: async (request) => exportBuyer(ctx, request.params.shop, request.query.buyer),
  });

  app.post<{ Params: { shop: string }; Body: { buyer: string } }>('/shops/:shop/buyers/erase', {
    schema: {
      tags: ['access'],
      summary:
        "Erase one buyer's personal data (name, address, phone, login, notes) from the shop's orders; what metrics need stays",
      body: {
        type: 'object',
        required: ['buyer'],
        additionalProperties: false,
        properties: { buyer: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      response: { 200: buyerErased, 404: errorSchema },
    },
    handler: async (request) => eraseBuyer(ctx, request.params.shop, request.body.buyer, request.access.actor),
  });
}
