/**
 * The fake's protocol request flow (fake-server.ts routes the gateways' paths here): the faults that strike before
 * the platform looks at a request, the gateway's checks (fake-gateway.ts), the token APIs of the `/rest` gateway
 * (fake-auth.ts), the business APIs (fake-dispatch.ts), and the faults that strike after a change is applied.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { responseKey } from './protocol';
import { AUTH_TOKEN_CREATE, type FakeAuth } from './fake-auth';
import { dispatchApi } from './fake-dispatch';
import { injectedAnswer, type FaultInjector } from './fake-faults';
import {
  checkGateway,
  flowControl,
  gatewayErrorBody,
  restApiName,
  type Gateway,
  type GatewayCheck,
} from './fake-gateway';
import { sendJson, sendText } from './fake-http';
import type { FakeMarketplace } from './fake-marketplace';
import type { FakeServerOptions, FakeServerStats } from './fake-server';

const DEFAULT_HOLD_MS = 30_000;

/** What the flow reads and counts: the platform's state, the gateway's checks, the faults and the stats. */
export interface ProtocolFlow {
  marketplace: FakeMarketplace;
  auth: FakeAuth;
  faults: FaultInjector;
  gatewayCheck: GatewayCheck;
  now: () => number;
  requestId: () => string;
  /** The stats as they are now (a reset replaces them). */
  stats: () => FakeServerStats;
  countRequest: (gateway: Gateway, method: string, at: number) => void;
  /** Told of every protocol request as it arrives, before any fault. */
  onCall: FakeServerOptions['onCall'];
  /** Requests held without an answer (the timeout fault), cleared when the server closes. */
  heldTimers: Set<NodeJS.Timeout>;
}

export async function handleProtocol(
  flow: ProtocolFlow,
  gateway: Gateway,
  url: URL,
  params: Map<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { faults } = flow;
  const method = params.get('method') ?? '';
  const requestTime = flow.now();
  flow.countRequest(gateway, method, requestTime);
  flow.onCall?.({ method, params, at: requestTime });
  const id = flow.requestId();

  if (faultBeforeProcessing(flow, gateway, method, id, req, res)) return;
  const injected = faults.fires('gatewayError', method) ? faults.pickInjectedError() : undefined;
  const commitFirst =
    injected !== undefined && (injected.commit === 'after' || (injected.commit === 'random' && faults.random() < 0.5));
  const unapplied = () => JSON.stringify(gatewayErrorBody(gateway, flowControl(1), id));
  if (injected && !commitFirst) {
    flow.stats().outcomes.injectedGatewayError++;
    sendText(res, injectedAnswer(injected, id, { unapplied }));
    return;
  }

  const gatewayError = checkGateway(flow.gatewayCheck, gateway, url, params, requestTime);
  if (gatewayError) {
    flow.stats().outcomes[gatewayError.outcome]++;
    sendJson(res, 200, gatewayErrorBody(gateway, gatewayError, id));
    return;
  }

  if (gateway === 'rest') return answerTokenApi(flow, url, params, requestTime, id, res);
  const answer = await dispatchApi(flow.marketplace, method, params, requestTime);
  if ('error' in answer) {
    flow.stats().outcomes.gatewayError++;
    sendJson(res, 200, gatewayErrorBody(gateway, answer.error, id));
    return;
  }
  if (answer.refused) flow.stats().outcomes.businessRefusal++;
  else flow.stats().outcomes.ok++;
  const body = { [responseKey(method)]: { ...answer.payload, request_id: id } };
  if (injected) {
    // Applied, then answered with the platform-side error (or an unreadable answer): the caller cannot tell.
    flow.stats().outcomes.injectedGatewayError++;
    flow.stats().outcomes.injectedGatewayErrorAfterCommit++;
    sendText(res, injectedAnswer(injected, id, { answered: JSON.stringify(body), unapplied }));
    return;
  }

  // The change is committed; now maybe lose the answer.
  if (faults.fires('dropAfterCommit', method)) {
    flow.stats().outcomes.droppedAfterCommit++;
    req.socket.destroy();
    return;
  }
  sendJson(res, 200, body);
}

/** Faults that happen before the platform looks at the request (true: one did, and answered or held it). */
function faultBeforeProcessing(
  flow: ProtocolFlow,
  gateway: Gateway,
  method: string,
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const { faults, heldTimers } = flow;
  if (faults.fires('timeout', method)) {
    flow.stats().outcomes.injectedTimeout++;
    const holdMs = faults.config.timeout?.holdMs ?? DEFAULT_HOLD_MS;
    const timer = setTimeout(() => {
      heldTimers.delete(timer);
      req.socket.destroy();
    }, holdMs);
    heldTimers.add(timer);
    return true;
  }
  if (faults.fires('serverError', method)) {
    flow.stats().outcomes.injectedServerError++;
    const status = faults.config.serverError?.status ?? 503;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><h1>${status}</h1>fake gateway error</body></html>`);
    return true;
  }
  if (faults.fires('rateLimit', method)) {
    flow.stats().outcomes.injectedRateLimit++;
    const seconds = faults.config.rateLimit?.retryAfterSeconds ?? 1;
    if ((faults.config.rateLimit?.style ?? 'http') === 'http') {
      const body = gatewayErrorBody(gateway, flowControl(seconds), id);
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(seconds) });
      res.end(JSON.stringify(body));
      return true;
    }
    sendJson(res, 200, gatewayErrorBody(gateway, flowControl(seconds), id));
    return true;
  }
  return false;
}

/** `/auth/token/create` and `/auth/token/refresh` on the `/rest` gateway: the token fields, or the refusal. */
function answerTokenApi(
  flow: ProtocolFlow,
  url: URL,
  params: Map<string, string>,
  requestTime: number,
  id: string,
  res: ServerResponse,
): void {
  const { auth } = flow;
  const name = restApiName(url, params);
  const answer =
    name === AUTH_TOKEN_CREATE
      ? auth.create(params.get('code'), requestTime)
      : auth.refresh(params.get('refresh_token'), requestTime);
  const fault = auth.takeAnswerFault();
  if (fault) {
    // Applied, then answered with something unreadable: a proxy's error page, or the answer cut off.
    const text =
      fault === 'not_json'
        ? '<html><body>502 Bad Gateway</body></html>'
        : JSON.stringify({ ...answer, code: '0', request_id: id }).slice(0, 40);
    res.writeHead(200, { 'content-type': fault === 'not_json' ? 'text/html' : 'application/json; charset=utf-8' });
    res.end(text);
    return;
  }
  if ('message' in answer) {
    flow.stats().outcomes.businessRefusal++;
    sendJson(res, 200, { type: 'ISV', code: answer.code, message: answer.message, request_id: id });
  } else {
    flow.stats().outcomes.ok++;
    sendJson(res, 200, { ...answer, code: '0', request_id: id });
  }
}
