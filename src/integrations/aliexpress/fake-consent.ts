/**
 * The fake platform's consent page, where a seller authorises an app (the platform's "Authorize your APP": the app
 * sends the browser to `/oauth/authorize?response_type=code&force_auth=true&redirect_uri=…&client_id=<app key>`,
 * and after the seller agrees the page sends it back to `redirect_uri?code=…`, with the `state` it was given).
 *
 * - `GET /oauth/authorize`: a small HTML page naming the app and the seller account, with an Authorise and a Deny
 *   button (a form posting to the approve path). A wrong `client_id`, `response_type` or `redirect_uri` gets a 400
 *   page, as no code may go to an unknown address.
 * - `GET /oauth/authorize/approve?decision=allow|deny&…`: 302 to `redirect_uri` with `code` (single use, expires:
 *   fake-auth.ts) and `state`, or with `error=access_denied` (RFC 6749 §4.1.2.1) when denied.
 */
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../../core/html';
import type { FakeAuth } from './fake-auth';

const CONSENT_PATH = '/oauth/authorize';
const APPROVE_PATH = '/oauth/authorize/approve';

export interface ConsentContext {
  appKey: string;
  sellerLoginId: string;
  auth: FakeAuth;
  now: () => number;
}

/** True when the request was the consent page's (and has been answered). */
export function handleConsent(context: ConsentContext, url: URL, res: ServerResponse): boolean {
  if (url.pathname !== CONSENT_PATH && url.pathname !== APPROVE_PATH) return false;
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri') ?? '';
  const problem =
    q.get('client_id') !== context.appKey
      ? 'client_id is not a known app key'
      : q.get('response_type') !== 'code'
        ? 'response_type must be code'
        : !/^https?:\/\/[^\s]+$/.test(redirectUri)
          ? 'redirect_uri must be an http(s) address'
          : undefined;
  if (problem) {
    page(res, 400, `<h1>Authorisation failed</h1><p data-testid="consent-error">${escapeHtml(problem)}</p>`);
    return true;
  }
  const state = q.get('state');
  if (url.pathname === APPROVE_PATH) {
    const back = new URL(redirectUri);
    if (q.get('decision') === 'allow') back.searchParams.set('code', context.auth.issueCode(context.now()));
    else back.searchParams.set('error', 'access_denied');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
    return true;
  }
  const hidden = ['client_id', 'response_type', 'redirect_uri', 'state', 'force_auth']
    .filter((name) => q.get(name) !== null)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(q.get(name)!)}">`)
    .join('');
  page(
    res,
    200,
    `<h1>Authorise an application</h1>
<p>The application <b data-testid="consent-app">${escapeHtml(context.appKey)}</b> asks to manage the orders and shipments of
<b data-testid="consent-account">${escapeHtml(context.sellerLoginId)}</b>.</p>
<form method="get" action="${APPROVE_PATH}">${hidden}
<button type="submit" name="decision" value="allow" data-testid="consent-allow">Authorise</button>
<button type="submit" name="decision" value="deny" data-testid="consent-deny">Deny</button>
</form>`,
  );
  return true;
}

function page(res: ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>AliExpress (fake) — authorisation</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

/**
 * What the seller's browser does on the fake's consent page (the demo, tests): Authorise (or Deny), then read the
 * redirect back to the app's callback, without following it. Answers the callback's query (`code`, `state`, `error`).
 */
export async function answerConsent(
  consentUrl: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ code?: string; state?: string; error?: string }> {
  const approve = new URL(APPROVE_PATH, consentUrl);
  for (const [name, value] of new URL(consentUrl).searchParams) approve.searchParams.set(name, value);
  approve.searchParams.set('decision', decision);
  const answer = await fetch(approve, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location)
    throw new Error(`the fake marketplace's consent page answered ${answer.status} without a redirect`);
  return Object.fromEntries(new URL(location).searchParams) as { code?: string; state?: string; error?: string };
}
