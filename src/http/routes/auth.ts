/**
 * Signing in and out over HTTP: by password or a one-time link, the session, one's own password. What an owner
 * manages (users, API keys, the audit log, a buyer's data) is in auth-admin.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  changePassword,
  keysOnPasswordChange,
  login,
  logout,
  ownsInstallation,
  redeemSignInLink,
  type KeysOnPasswordChange,
  type Principal,
  type SignedIn,
} from '../../app/accounts';
import { DEVICE_TTL_MS } from '../../app/sign-in';
import type { AppContext } from '../../app/context';
import { PERMISSIONS, roleAllows } from '../../core/access';
import { toIso } from '../../core/time';
import { DEVICE_COOKIE, requirePrincipal, SESSION_COOKIE } from '../access';
import { setting } from '../../core/config';
import { errorSchema, ref } from '../schemas/common';
import { passwordChanged, signedIn, signedOut } from '../schemas/access';
import { authAdminRoutes } from './auth-admin';

export interface AuthRouteOptions {
  /** Sign-ins per minute per IP (beside the per-user lockout). */
  loginPerMinute: number;
  /** What a password change does to the keys the user made (default: SHIPBY_PASSWORD_CHANGE_KEYS, else revoke). */
  keysOnPasswordChange?: KeysOnPasswordChange;
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

/** The session cookie of a sign-in, and the device cookie that proves the browser for the next one. */
function setSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): void {
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
}

const origin = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

export function authRoutes(app: FastifyInstance, ctx: AppContext, options: AuthRouteOptions): void {
  signInRoutes(app, ctx, options.loginPerMinute);
  sessionRoutes(app, ctx, options.keysOnPasswordChange ?? keysOnPasswordChange());
  authAdminRoutes(app, ctx);
}

/** Sign-in by password and by link. */
function signInRoutes(app: FastifyInstance, ctx: AppContext, loginPerMinute: number): void {
  // Sign-in by password and by link: each has this many tries a minute per IP, beside the per-user lockout.
  const signInLimit = {
    rateLimit: {
      max: loginPerMinute,
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
      setSession(ctx, request, reply, signedIn);
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
      setSession(ctx, request, reply, signedIn);
      // The token leaves the address bar (and the history) at once.
      return reply.redirect('/', 303);
    },
  });
}

/** The session: ended, described, and one's own password changed. */
function sessionRoutes(app: FastifyInstance, ctx: AppContext, keysPolicy: KeysOnPasswordChange): void {
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
}
