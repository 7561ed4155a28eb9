import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  changePassword,
  createApiKey,
  keysOnPasswordChange,
  listApiKeys,
  listAudit,
  listUsers,
  login,
  logout,
  managedShops,
  ownsInstallation,
  parseRole,
  redeemSignInLink,
  revokeApiKey,
  type KeysOnPasswordChange,
  type Principal,
  type SignedIn,
} from '../../app/accounts';
import { DEVICE_TTL_MS } from '../../app/sign-in';
import { eraseBuyer, exportBuyer } from '../../app/buyers';
import type { AppContext } from '../../app/context';
import { AuthenticationError } from '../../app/errors';
import { PERMISSIONS, roleAllows, ROLES } from '../../core/access';
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../access';
import { setting } from '../../core/config';
import { errorSchema, ref } from '../schemas/common';
import {
  auditLines,
  buyerErased,
  buyerExport,
  keyCreated,
  keyList,
  keyRevoked,
  passwordChanged,
  signedIn,
  signedOut,
  userList,
} from '../schemas/access';

export interface AuthRouteOptions {
  /** Sign-ins per minute per IP (beside the per-user lockout). */
  loginPerMinute: number;
  /** What a password change does to the keys the user made (default: SHIPBY_PASSWORD_CHANGE_KEYS, else revoke). */
  keysOnPasswordChange?: KeysOnPasswordChange;
}

/** What the caller manages: undefined for the whole account (an account owner), else the shops it owns. */
function managedScope(principal: Principal): string[] | undefined {
  const managed = managedShops(principal);
  return managed === 'account' ? undefined : managed;
}

function presentPrincipal(principal: Principal) {
  const shops = [...principal.roles]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, role]) => ({ id, role, permissions: PERMISSIONS.filter((p) => roleAllows(role, p)) }));
  return {
    kind: principal.kind,
    name: principal.name,
    account_id: principal.accountId,
    account_owner: principal.accountOwner,
    installation_owner: ownsInstallation(principal),
    shops,
  };
}

function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthenticationError(localized('Sign in first.', '请先登录。'));
  return request.principal;
}

export function authRoutes(app: FastifyInstance, ctx: AppContext, options: AuthRouteOptions): void {
  const setSession = (request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn) => {
    reply.setCookie(SESSION_COOKIE, signedIn.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // Secure whenever the request came over HTTPS (directly or through a proxy that says so).
      secure: request.protocol === 'https' || setting(process.env, 'SHIPBY_SECURE_COOKIES') === '1',
      // Relative (Max-Age), not Expires: the session's end is on the server's clock (injected: shifted in tests,
      // simulated in the demo), and the browser compares an Expires date with its own, dropping the cookie at once.
      maxAge: Math.max(1, Math.round((signedIn.expiresAt - ctx.now()) / 1000)),
    });
    // The browser is proven for the next sign-in: while the account is locked, it still signs in (issue 19, finding 7).
    reply.setCookie(DEVICE_COOKIE, signedIn.deviceToken, {
      path: '/auth',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https' || process.env.SHIPBY_SECURE_COOKIES === '1',
      maxAge: Math.round(DEVICE_TTL_MS / 1000),
    });
  };
  const keysPolicy = options.keysOnPasswordChange ?? keysOnPasswordChange();
  const origin = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
  // Sign-in by password and by link: each has this many tries a minute per IP, beside the per-user lockout.
  const signInLimit = {
    rateLimit: {
      max: options.loginPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `login:${request.ip}`,
    },
  };

  app.post<{ Body: { email: string; password: string } }>('/auth/login', {
    config: signInLimit,
    schema: {
      tags: ['access'],
      summary:
        'Sign in with e-mail and password: sets the HttpOnly session cookie and answers the CSRF token to echo in x-csrf-token. Wrong passwords lock the user out for a growing time (429 with Retry-After)',
      body: {
        type: 'object',
        required: ['email', 'password'],
        additionalProperties: false,
        properties: {
          email: { type: 'string', minLength: 1, maxLength: 200 },
          password: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      response: { 200: signedIn, 401: errorSchema, 429: errorSchema },
    },
    handler: async (request, reply) => {
      const signedIn = await login(
        ctx,
        request.body.email,
        request.body.password,
        origin(request),
        request.cookies[DEVICE_COOKIE],
      );
      setSession(request, reply, signedIn);
      return {
        ...presentPrincipal(signedIn.principal),
        csrf_token: signedIn.csrfToken,
        expires_at: toIso(signedIn.expiresAt),
      };
    },
  });

  app.get<{ Querystring: { token: string } }>('/auth/link', {
    config: signInLimit,
    schema: {
      tags: ['access'],
      summary:
        'A one-time sign-in link (first start, demo, `shipby user link`): opens a session and goes to the dashboard',
      querystring: {
        type: 'object',
        required: ['token'],
        additionalProperties: false,
        properties: { token: { type: 'string', minLength: 20, maxLength: 200 } },
      },
    },
    handler: async (request, reply) => {
      const signedIn = await redeemSignInLink(ctx, request.query.token, origin(request));
      setSession(request, reply, signedIn);
      // The token leaves the address bar (and the history) at once.
      return reply.redirect('/', 303);
    },
  });

  app.post(
    '/auth/logout',
    {
      schema: {
        response: { 200: signedOut },
        tags: ['access'],
        summary: 'Sign out: ends the session and clears its cookie',
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(ctx, token, origin(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { signed_out: true };
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        response: { 200: ref('Session'), 401: errorSchema },
        tags: ['access'],
        summary: 'Who is signed in: shops with the role and permissions in each, and the CSRF token',
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return { ...presentPrincipal(principal), csrf_token: principal.csrfToken ?? null };
    },
  );

  app.put<{ Body: { current_password?: string; new_password: string } }>('/auth/password', {
    schema: {
      tags: ['access'],
      summary:
        "Change one's own password (the current one is needed when one is set; wrong ones count toward the lockout). Ends every other session of the user and, as configured, the API keys made under them",
      body: {
        type: 'object',
        required: ['new_password'],
        additionalProperties: false,
        properties: {
          current_password: { type: 'string', maxLength: 200 },
          new_password: { type: 'string', maxLength: 200 },
        },
      },
      response: { 200: passwordChanged, 400: errorSchema, 429: errorSchema },
    },
    handler: async (request) => {
      const ended = await changePassword(
        ctx,
        requirePrincipal(request),
        request.body.current_password ?? '',
        request.body.new_password,
        origin(request),
        keysPolicy,
      );
      return { changed: true, other_sessions_ended: ended.sessions, keys_revoked: ended.keys };
    },
  });

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
