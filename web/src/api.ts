/**
 * The API client: every call sends the chosen language, and every refusal becomes an ApiError that keeps
 * the API's messages in both languages, its rule and its field issues (so a form can show each at its field).
 */
import type { components } from './api-types.gen';

export type Locale = 'en' | 'zh-CN';

/** Generated from the server's OpenAPI document (scripts/openapi.mjs): the response schemas of src/http. */
type Schemas = components['schemas'];

export type Localized = Schemas['Localized'];
export type Money = Schemas['Money'];

export interface ApiIssue {
  path: string;
  message: string;
  messages?: Localized;
  /** The 1-based line of a list a use case's check is about (a purchase order's line), when it names one. */
  row?: number;
  /** The dashboard screen that fixes this (a missing setting): its route, `#/` + screen (`settings/sender`). */
  fix?: { screen: string; for?: string[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Localized,
    readonly issues: ApiIssue[] = [],
    readonly rule?: string,
  ) {
    super(messages.en);
  }

  /**
   * The issues about one field or anything under it (`overrides` gets `overrides.handling.x`); the API's
   * schema check prefixes paths with where the field was (`body.hours`), which is dropped here.
   */
  issuesAt(field: string): ApiIssue[] {
    return this.issues.filter((i) => {
      const path = i.path.replace(/^(body|querystring|params)\./, '');
      return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
    });
  }
}

/** A network failure (server down, connection lost): the screens keep their last data and say so. */
export class NetworkError extends Error {}

let currentLocale: Locale = 'en';
export function setApiLocale(locale: Locale): void {
  currentLocale = locale;
}

// ---- Credentials: the one door every request goes through ----
// The session itself is an HttpOnly cookie (same-origin, sent by the browser); what the page keeps is the
// session's CSRF token, in memory only (from GET /auth/session or POST /auth/login), echoed on unsafe methods.

export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken: string | undefined;
let signedIn = false;
let onUnauthenticated: (() => void) | undefined;

/** The session signed in (its CSRF token is kept for unsafe requests), or undefined when signed out. */
export function setSignedIn(session: { csrf_token: string | null } | undefined): void {
  signedIn = session !== undefined;
  csrfToken = session?.csrf_token ?? undefined;
}

/** Called whenever the API answers 401: the session ended (signed out elsewhere, expired), so the app shows the sign-in screen. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

async function send(
  path: string,
  method: string,
  accept: string,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { 'accept-language': currentLocale, accept };
  // A file goes as its own bytes (an upload); anything else as JSON.
  const file = body instanceof Blob ? body : undefined;
  if (body !== undefined) headers['content-type'] = file ? file.type || 'application/octet-stream' : 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: file ?? (body !== undefined ? JSON.stringify(body) : undefined),
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new NetworkError((error as Error).message);
  }
  if (response.status === 401) onUnauthenticated?.();
  return response;
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const response = await send(path, init.method ?? 'GET', 'application/json', init.body, init.signal);
  const text = await response.text();
  const json = text ? safeJson(text) : undefined;
  if (!response.ok) throw refusalOf(response, json);
  return json as T;
}

/** The API's refusal (its `error` body) as an ApiError; a body that is not one keeps the HTTP status line. */
function refusalOf(response: Response, json: unknown): ApiError {
  const e = (
    json as
      | { error?: { code?: string; message?: string; messages?: Localized; issues?: ApiIssue[]; rule?: string } }
      | undefined
  )?.error;
  const fallback = `${response.status} ${response.statusText}`;
  return new ApiError(
    response.status,
    e?.code ?? 'http',
    e?.messages ?? { en: e?.message ?? fallback, 'zh-CN': e?.message ?? fallback },
    e?.issues ?? [],
    e?.rule,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- The shapes the API answers (see /docs) ----

// The shapes below are the server's response schemas (web/src/api-types.gen.ts); those without one are written here.

export type Order = Schemas['Order'];
export type Buyer = Order['buyer'];
/** An order of the at-risk view (GET /orders?due_within=): with its deadline. */
export type AtRiskOrder = Schemas['OrderListItem'] & { deadline: NonNullable<Schemas['OrderListItem']['deadline']> };

export interface OrderPage<T> {
  items: T[];
  next_cursor: string | null;
}

export type OrderLine = Schemas['OrderLine'];
export type Parcel = Schemas['Parcel'];
export type TimelineEvent = Schemas['TimelineEvent'];
export type OrderDetail = Schemas['OrderDetail'];

export type Verdict = Schemas['Verdict'];
export type VerdictOption = Verdict['options'][number];
/** The order's situation (one truth per order: core/situation.ts). */
export type Situation = Schemas['Situation'];

export interface Policy {
  id: string;
  version: number;
  name: Localized;
  zone: string;
  platform: string;
  warningHoursBefore?: number[];
}

export type Shop = Schemas['Shop'];
export type ShopPolicyChoice = Shop['policy'];
export type Webhook = Schemas['Webhook'];
/** A notice above every screen (GET /notices): a marketplace outage, or a shop paused until authorised again. */
export type Notice = Schemas['Notice'];

export type Metric = Schemas['Metric'];
/** The seller's metrics (GET /metrics/seller): each window, each day of the longest, the violations' totals. */
export type MetricsReport = Schemas['MetricsReport'];

export type StockRow = Schemas['StockRow'];
export type Shortage = Schemas['Shortage'];
export type Warehouse = Schemas['Warehouse'];
export type CatalogueSku = Schemas['CatalogueSku'];
export type Box = Schemas['Box'];
export type SkuSize = Schemas['SkuSize'];
export type SenderAddress = Schemas['SenderAddress'];
export type CarrierService = Schemas['CarrierService'];

/**
 * A document (label or packing-slip PDF) as a Blob, through the same door as every other call (the language,
 * the session cookie, a 401 signing the page out), so a screen can show or print it.
 */
export async function apiBlob(path: string, init: { signal?: AbortSignal; accept?: string } = {}): Promise<Blob> {
  const response = await send(path, 'GET', init.accept ?? 'application/pdf', undefined, init.signal);
  if (!response.ok) throw refusalOf(response, safeJson(await response.text()));
  return response.blob();
}

/**
 * The live-update stream (server-sent events, GET /events): `changed` whenever orders change. Opened here, the
 * one door for credentials: the same-origin session cookie goes with it (`withCredentials`); it needs no CSRF
 * token (a GET). Not opened while signed out (it would only be refused).
 */
export function openEventStream(): EventSource | undefined {
  if (typeof EventSource === 'undefined' || !signedIn) return undefined;
  try {
    return new EventSource('/events', { withCredentials: true });
  } catch {
    return undefined;
  }
}

export * from './api-shapes';
