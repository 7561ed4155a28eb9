/**
 * The outbox worker: claims due rows (most urgent first), delivers them with up to `concurrency` requests in flight,
 * and records the outcomes in batches, one transaction per batch (app/upload-outbox.ts holds the rules).
 * Any number of workers may run against PostgreSQL (claims use FOR UPDATE SKIP LOCKED under a lease); on SQLite run
 * one. A worker that dies leaves its rows leased; when the lease runs out another worker takes them over and reads
 * each order back before sending anything.
 *
 * Every HTTP request of an upload is an outbox attempt (the client's own retries are off), so the order's timeline
 * shows every attempt, and backoff, dead-lettering and urgency are decided in one place.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/context';
import { openShopSession, type ClientOptions } from '../app/marketplace';
import { renewAfterTokenRefusal, type RenewalOutcome } from '../app/shop-authorisation-upkeep';
import {
  DEFAULT_OUTBOX_SETTINGS,
  claimOutboxRows,
  deliverOutboxRow,
  openOutboxCount,
  settledOrdersOfRows,
  availabilitySignal,
  recordOutboxOutcomes,
  type DeliveryOutcome,
  type OutboxSettings,
} from '../app/upload-outbox';
import { DEFAULT_RETRY_POLICY } from '../core/upload-rules';
import { isDatabaseUnavailable } from '../app/errors';
import { databaseWatch, retryWakeups, sleep } from './worker-clock';
import { newOutageTracker, noteMarketplaceSignals } from '../app/marketplace-outage';
import { aliexpressPort, type MarketplacePort } from '../integrations/marketplace/index';
import { ReauthorisationRequiredError } from '../integrations/aliexpress/errors';
import type { ClaimedRow } from '../store/outbox';
import { setting } from '../core/config';

export interface OutboxWorkerOptions {
  masterKey: Buffer;
  workerId?: string;
  /** Deliveries in flight at once. Default 16. */
  concurrency?: number;
  settings?: OutboxSettings;
  /** Client settings (per-request timeout). The client's own retries are always off here. */
  clientOptions?: ClientOptions;
  /** Sleep between polls when nothing is due, at most: a retry this worker recorded wakes it when due. Default 1 s. */
  idlePollMs?: number;
  /** Outcomes are written at most this long after they happen. Default 25 ms. */
  flushMs?: number;
  kinds?: string[];
  /** Return once no row is pending or in flight (tests, benchmarks, `outbox work --drain`). */
  stopWhenDrained?: boolean;
  /** Stop claiming; finish what is in flight, record it, and return. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface OutboxWorkerStats {
  workerId: string;
  claimed: number;
  takenOver: number;
  accepted: number;
  retried: number;
  dead: number;
  refused: number;
  notices: number;
  lostClaims: number;
  transactions: number;
}

function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

type Finished = { row: ClaimedRow; outcome: DeliveryOutcome };

export async function runOutboxWorker(ctx: AppContext, options: OutboxWorkerOptions): Promise<OutboxWorkerStats> {
  const workerId = options.workerId ?? newWorkerId();
  const settings = options.settings ?? DEFAULT_OUTBOX_SETTINGS;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const flushMs = options.flushMs ?? 25;
  const idlePollMs = options.idlePollMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const deliveryBudgetMs = deliveryBudget(settings, options, log);
  // The marketplace's availability as this worker sees it: an outage is recorded and alerted once, and its end too.
  const outage = newOutageTracker();
  const stats = newStats(workerId);
  const sessions = shopSessions(ctx, options, log);
  const database = databaseWatch(idlePollMs, log);
  const inFlight = new Set<Promise<void>>();
  const finished: Finished[] = [];
  const wakeups = retryWakeups();
  let oldestFinishedAt = 0;
  let nothingDue = false;

  const start = (row: ClaimedRow, settled: Parameters<typeof deliverOutboxRow>[2]['settled']) => {
    const task = deliver(row, settled, sessions, deliveryBudgetMs).then((outcome) => {
      if (finished.length === 0) oldestFinishedAt = Date.now();
      finished.push({ row, outcome });
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  // One recording transaction at a time, in the background: claims and deliveries go on while it commits, and the
  // outcomes that finish meanwhile make the next batch (bigger batches under load, at the same cost per batch).
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    const batch = finished.splice(0);
    if (batch.length === 0) return;
    try {
      const summary = await recordOutboxOutcomes(ctx, workerId, batch, settings, Math.random, {
        outageOpen: outage.state === 'down',
      });
      database.answered();
      wakeups.add(Date.now(), summary.retriesDueInMs);
      addSummary(stats, summary);
      await noteAvailability(ctx, outage, batch, log);
    } catch (error) {
      // The database is away: keep the outcomes and record them when it is back (the settle is fenced by our
      // lease owner, so a row another worker took over meanwhile is not touched). When stopping, or on any other
      // error, the rows stay leased to us; when the lease runs out they are taken over and read back first.
      if (database.failed('recording', error) && !options.signal?.aborted) {
        finished.unshift(...batch);
        return;
      }
      log(`recording ${batch.length} outcomes failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  while (true) {
    const stopping = options.signal?.aborted === true;
    const free = concurrency - inFlight.size;
    const databaseWait = database.awayUntil() - Date.now();
    if (!stopping && databaseWait <= 0 && free > 0 && (inFlight.size === 0 || free >= Math.ceil(concurrency / 4))) {
      try {
        const rows = await claimOutboxRows(ctx, workerId, {
          limit: free,
          leaseMs: settings.leaseMs,
          ...(options.kinds ? { kinds: options.kinds } : {}),
        });
        database.answered();
        nothingDue = rows.length === 0;
        if (rows.length) {
          stats.claimed += rows.length;
          stats.takenOver += rows.filter((row) => row.claimed_from === 'in_flight').length;
          const settled = await settledOrdersOfRows(ctx, rows);
          for (const row of rows) start(row, settled.get(row.order_id));
        }
      } catch (error) {
        if (!database.failed('claim', error))
          log(`claim failed: ${error instanceof Error ? error.message : String(error)}`);
        nothingDue = true;
      }
    }
    if (
      !flushing &&
      finished.length &&
      (databaseWait <= 0 || stopping) &&
      (finished.length >= concurrency || inFlight.size === 0 || Date.now() - oldestFinishedAt >= flushMs || stopping)
    ) {
      flushing = flush().finally(() => (flushing = undefined));
    }
    if (inFlight.size === 0 && finished.length === 0) {
      if (flushing) {
        await flushing;
        continue;
      }
      if (stopping) break;
      if (nothingDue) {
        if (options.stopWhenDrained && (await openOutboxCount(ctx, options.kinds).catch(() => 1)) === 0) break;
        await sleep(wakeups.idleSleepMs(Date.now(), idlePollMs), options.signal);
        continue;
      }
      continue;
    }
    // Not cut short by the stop signal: while stopping, this waits for the deliveries in flight (a sleep that
    // returned at once would spin without ever letting their answers in).
    await Promise.race([
      ...inFlight,
      ...(flushing ? [flushing] : []),
      sleep(Math.max(flushMs, database.awayUntil() - Date.now())),
    ]);
  }
  return stats;
}

/**
 * How long one delivery may take: it makes at most three requests, and is cut short before its lease can run out, so
 * no other worker takes over a row whose request is still travelling.
 */
function deliveryBudget(settings: OutboxSettings, options: OutboxWorkerOptions, log: (line: string) => void): number {
  const timeoutMs = options.clientOptions?.timeoutMs ?? 15_000;
  const deliveryBudgetMs = Math.max(1000, settings.leaseMs - Math.max(2000, Math.floor(settings.leaseMs / 10)));
  if (deliveryBudgetMs < timeoutMs)
    log(`warning: lease ${settings.leaseMs} ms leaves less than one request timeout (${timeoutMs} ms) per delivery`);
  return deliveryBudgetMs;
}

type ShopSession = { port: MarketplacePort; tokenRef: string };

/**
 * The shops' marketplace sessions, opened once (the client's own retries off), and the renewal of a token the
 * platform refused: renewed once (or the shop paused) however many deliveries met the refusal.
 */
function shopSessions(ctx: AppContext, options: OutboxWorkerOptions, log: (line: string) => void) {
  const ports = new Map<string, ShopSession>();
  const renewals = new Map<string, Promise<RenewalOutcome>>();
  return {
    async portFor(shopId: string): Promise<ShopSession> {
      let session = ports.get(shopId);
      if (!session) {
        const opened = await openShopSession(ctx, options.masterKey, shopId, {
          ...options.clientOptions,
          retry: { ...options.clientOptions?.retry, maxAttempts: 1 },
        });
        session = { port: aliexpressPort(opened.client), tokenRef: opened.tokenRef };
        ports.set(shopId, session);
      }
      return session;
    },
    renew(shopId: string, tokenRef: string, code: string): Promise<RenewalOutcome> {
      let renewal = renewals.get(tokenRef);
      if (!renewal) {
        renewal = renewAfterTokenRefusal(ctx, { masterKey: options.masterKey }, shopId, tokenRef, code).catch(
          (error: unknown) => {
            log(`renewing shop ${shopId}'s authorisation: ${error instanceof Error ? error.message : String(error)}`);
            return 'undecided' as const;
          },
        );
        renewals.set(tokenRef, renewal);
        // An undecided renewal may be tried at the next refusal; a decided one is not tried again for that token.
        void renewal.then((result) => {
          if (result === 'undecided') renewals.delete(tokenRef);
        });
      }
      return renewal;
    },
    /** The session is opened again at the shop's next delivery (its token was refused). */
    forget(shopId: string, session: ShopSession): void {
      if (ports.get(shopId) === session) ports.delete(shopId);
    },
  };
}

/** One row delivered through its shop's session; never throws: what went wrong is its outcome. */
async function deliver(
  row: ClaimedRow,
  settled: Parameters<typeof deliverOutboxRow>[2]['settled'],
  sessions: ReturnType<typeof shopSessions>,
  deliveryBudgetMs: number,
): Promise<DeliveryOutcome> {
  try {
    const session = await sessions.portFor(row.shop_id);
    const outcome = await deliverOutboxRow(row, session.port, {
      settled,
      signal: AbortSignal.timeout(deliveryBudgetMs),
    });
    if (outcome.type === 'retry' && outcome.reauthorise) {
      const renewal = await sessions.renew(row.shop_id, session.tokenRef, outcome.code);
      sessions.forget(row.shop_id, session);
      // Renewed: the upload goes again at its usual backoff with the new token, not an hour later.
      if (renewal === 'renewed') {
        const { retryAfterMs: _wait, ...rest } = outcome;
        return rest;
      }
    }
    return outcome;
  } catch (error) {
    // Not a marketplace answer: nothing was sent. The database away (reading the shop's credentials) hands the
    // claim back; anything else (e.g. the credentials do not decrypt) will not pass by retrying.
    // A shop paused until it is authorised again: the row waits, as it would for the platform's own token refusal.
    return isDatabaseUnavailable(error)
      ? { type: 'interrupted' }
      : error instanceof ReauthorisationRequiredError
        ? {
            type: 'retry',
            needsReadback: Boolean(row.needs_readback),
            code: error.code,
            message: error.message,
            retryAfterMs: error.retryAfterMs,
            outage: false,
          }
        : { type: 'failed', code: 'WORKER', message: error instanceof Error ? error.message : String(error) };
  }
}

function newStats(workerId: string): OutboxWorkerStats {
  return {
    workerId,
    claimed: 0,
    takenOver: 0,
    accepted: 0,
    retried: 0,
    dead: 0,
    refused: 0,
    notices: 0,
    lostClaims: 0,
    transactions: 0,
  };
}

function addSummary(stats: OutboxWorkerStats, summary: Awaited<ReturnType<typeof recordOutboxOutcomes>>): void {
  stats.transactions++;
  stats.accepted += summary.accepted;
  stats.retried += summary.retried;
  stats.dead += summary.dead;
  stats.refused += summary.refused;
  stats.notices += summary.notices;
  stats.lostClaims += summary.lostClaims;
}

/** The batch's outcomes as signals of the marketplace's availability; an outage's start and end are logged. */
async function noteAvailability(
  ctx: AppContext,
  outage: ReturnType<typeof newOutageTracker>,
  batch: Finished[],
  log: (line: string) => void,
): Promise<void> {
  const signals = batch.map(({ outcome }) => ({
    signal: availabilitySignal(outcome),
    ...('code' in outcome ? { error: `${outcome.code}: ${outcome.message}`.slice(0, 300) } : {}),
  }));
  // Apart from the recording: the outcomes are written whatever happens here.
  const change = await noteMarketplaceSignals(ctx, outage, signals).catch((error: unknown) => {
    log(`marketplace availability not recorded: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (change?.change === 'began')
    log(
      `the marketplace is not answering (${outage.lastError ?? 'no answer'}); uploads keep retrying until their orders' closing points${change.recorded ? '; outage alerted' : ''}`,
    );
  if (change?.change === 'ended')
    log(`the marketplace answers again; ${change.released ?? 0} waiting uploads released, most urgent first`);
}

/** Worker settings from the environment (the `serve` process, `outbox work`, the worker entrypoint). */
export function outboxSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  settings: OutboxSettings;
  concurrency: number;
  timeoutMs: number;
} {
  // Parsed and checked in core/config.ts (a bad value throws ConfigError naming it); the retry defaults are the policy's.
  const base = setting(env, 'SHIPBY_OUTBOX_BACKOFF_MS') ?? DEFAULT_RETRY_POLICY.baseDelayMs;
  const maxBackoff = setting(env, 'SHIPBY_OUTBOX_MAX_BACKOFF_MS');
  return {
    settings: {
      leaseMs: setting(env, 'SHIPBY_OUTBOX_LEASE_MS'),
      retry: {
        ...DEFAULT_RETRY_POLICY,
        baseDelayMs: base,
        maxDelayMs: maxBackoff ?? Math.max(base, DEFAULT_RETRY_POLICY.maxDelayMs),
        urgentMaxDelayMs: Math.min(
          maxBackoff ?? DEFAULT_RETRY_POLICY.urgentMaxDelayMs,
          DEFAULT_RETRY_POLICY.urgentMaxDelayMs,
        ),
        maxAttempts: setting(env, 'SHIPBY_OUTBOX_MAX_ATTEMPTS') ?? DEFAULT_RETRY_POLICY.maxAttempts,
      },
    },
    concurrency: setting(env, 'SHIPBY_OUTBOX_CONCURRENCY'),
    timeoutMs: setting(env, 'SHIPBY_MARKETPLACE_TIMEOUT_MS'),
  };
}
