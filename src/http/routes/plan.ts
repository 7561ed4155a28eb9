import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLocale } from '../../core/i18n';
import { batchDocumentsPdf, DEFAULT_BATCH_SIZE, pickingListPdf, type Batch } from '../../app/picking';
import type { AppContext } from '../../app/context';
import { DEFAULT_PLAN_SETTINGS } from '../../app/plan';
import { currentPlan, getStaffing, refreshPlans, setStaffing } from '../../app/planning';
import { planWhatIf } from './plan-query';
import { type CallerTurns, callerTurns } from './plan-turns';
import { listWorkEstimates, setWorkEstimate } from '../../app/work-estimates';
import { callerKey, shopFilter } from '../access';
import { planVisibleTo } from '../../app/plan-visibility';
import { errorSchema, ref } from '../schemas/common';
import { plansRefreshed, workEstimates } from '../schemas/pack';

const HHMM = '^\\d{1,2}:\\d{2}$';
const window = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end'],
  properties: { start: { type: 'string', pattern: HHMM }, end: { type: 'string', pattern: HHMM } },
};
const estimateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['minutes_per_order', 'minutes_per_line', 'minutes_per_unit'],
  properties: {
    minutes_per_order: { type: 'number' },
    minutes_per_line: { type: 'number' },
    minutes_per_unit: { type: 'number' },
  },
};
type EstimateBody = { minutes_per_order: number; minutes_per_line: number; minutes_per_unit: number };
const defaults = () => ({
  minutesPerOrder: DEFAULT_PLAN_SETTINGS.minutesPerOrder,
  minutesPerLine: DEFAULT_PLAN_SETTINGS.minutesPerLine,
  minutesPerUnit: DEFAULT_PLAN_SETTINGS.minutesPerUnit,
});

const batchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    warehouse: { type: 'string' },
    shop: { type: 'string' },
    stations: {
      type: 'integer',
      minimum: 1,
      maximum: 500,
      description: 'what-if staffing, as GET /plan takes it (the pack station plans its stations on shift)',
    },
    station: {
      type: 'string',
      description: "one station's queue (e.g. station-1); default: every station by planned start",
    },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 500,
      description: `the plan's first orders (default ${DEFAULT_BATCH_SIZE})`,
    },
    lang: { type: 'string', enum: ['en', 'zh-CN'], description: 'the language of the PDF; default: Accept-Language' },
  },
};
type BatchQuery = {
  warehouse?: string;
  shop?: string;
  stations?: number;
  station?: string;
  limit?: number;
  lang?: 'en' | 'zh-CN';
};
/**
 * The shops of a plan: with a warehouse, the orders it serves (narrowed to the shops named; the access table checks
 * the caller may see the warehouse); without one, the caller's shops.
 */
function planShops(request: FastifyRequest, q: { warehouse?: string; shop?: string }): string[] | undefined {
  return q.warehouse
    ? q.shop
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : shopFilter(request, q.shop);
}
const batchOf = (request: FastifyRequest<{ Querystring: BatchQuery }>) => {
  const q = request.query;
  const shopIds = planShops(request, q);
  return {
    warehouseId: q.warehouse,
    shopIds,
    visibleShops: request.access.shops,
    stations: q.stations,
    station: q.station,
    limit: q.limit,
    caller: callerKey(request),
  };
};
const batchHeaders = (reply: FastifyReply, name: string, batch: Batch) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${name}"`)
    .header('x-shipby-order-count', String(batch.orders.length))
    .header('x-shipby-orders', batch.orders.map((o) => o.orderId).join(','));

export function planRoutes(app: FastifyInstance, ctx: AppContext): void {
  /**
   * One computation per caller at a time in the planner threads: a request waits for the caller's running plan
   * instead of being refused (the dashboard asks again when the seller changes the stations), the newest wins, and
   * a batch print waits for the screen's own poll (plan-turns.ts).
   */
  const turns = callerTurns();
  planRoute(app, ctx, turns);
  batchPrintRoutes(app, ctx, turns);
  planRefreshRoute(app, ctx, turns);
  staffingRoutes(app, ctx);
  workEstimateRoutes(app, ctx);
}

/** The work queue per station: a warehouse's stored plan, or a what-if. */
function planRoute(app: FastifyInstance, ctx: AppContext, turns: CallerTurns): void {
  app.get<{
    Querystring: {
      warehouse?: string;
      shop?: string;
      stations?: number;
      shift?: string;
      pickups?: string;
      zone?: string;
      hourly_cost?: number;
      budget_ms?: number;
      refresh?: 'auto' | 'warm' | 'full';
    };
  }>('/plan', {
    schema: {
      tags: ['plan'],
      summary:
        "The work queue per station that keeps penalties lowest: expected finish, lateness and penalty of each order, the orders late even so, and what earliest-deadline-first would cost. With `warehouse`, that warehouse's orders on its stored staffing: the stored plan while nothing changed, else recomputed (warm) and stored. Staffing parameters make it a what-if, planned afresh and not stored.",
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          warehouse: { type: 'string' },
          shop: { type: 'string' },
          stations: { type: 'integer', minimum: 1, maximum: 500 },
          shift: {
            type: 'string',
            pattern: '^\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}(,\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2})*$',
            description: 'one or more local windows, e.g. 09:00-12:00,13:00-18:00',
          },
          pickups: { type: 'string', description: 'comma-separated local times, e.g. 11:00,17:00' },
          zone: { type: 'string' },
          hourly_cost: { type: 'integer', minimum: 0 },
          budget_ms: { type: 'integer', minimum: 10, maximum: 10_000 },
          refresh: {
            type: 'string',
            enum: ['auto', 'warm', 'full'],
            description: 'auto (default): the stored plan while its inputs are unchanged; warm or full: recompute now',
          },
        },
      },
      response: { 200: ref('WorkPlan'), 400: errorSchema, 409: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      const whatIf = planWhatIf(q);
      const shopIds = planShops(request, q);
      // The same request again while the caller's first is computing (a screen that re-polls, a reload) shares its
      // answer; another waits for it (plan-turns.ts): no 429 for asking while a plan computes.
      const caller = callerKey(request);
      const plan = await turns.inTurn(
        caller,
        () =>
          currentPlan(ctx, {
            warehouseId: q.warehouse,
            shopIds,
            overrides: {
              stations: q.stations,
              shifts: whatIf.shifts,
              pickups: whatIf.pickups,
              zone: whatIf.zone,
              hourlyCost: q.hourly_cost,
            },
            timeBudgetMs: q.budget_ms,
            refresh: q.refresh,
            caller,
          }),
        { key: request.url },
      );
      // The warehouse's queue holds the orders of every shop it serves: the caller sees only their shops' orders.
      return planVisibleTo(plan, request.access.shops);
    },
  });
}

/** The plan's next orders printed: the picking list, and the batch of labels and packing slips. */
function batchPrintRoutes(app: FastifyInstance, ctx: AppContext, turns: CallerTurns): void {
  app.get<{ Querystring: BatchQuery }>('/plan/picking-list.pdf', {
    schema: {
      tags: ['plan'],
      summary:
        "The picking list of the plan's next orders (A4, in the caller's language): per SKU and location, in the plan's order, the quantity and the orders it serves",
      querystring: batchQuery,
    },
    handler: async (request, reply) => {
      const locale = request.query.lang ?? pickLocale(request.headers['accept-language']);
      const { pdf, batch } = await turns.inTurn(
        callerKey(request),
        () => pickingListPdf(ctx, batchOf(request), locale),
        {
          supersedable: false,
        },
      );
      return batchHeaders(reply, 'picking-list.pdf', batch).send(pdf);
    },
  });

  app.get<{ Querystring: BatchQuery }>('/plan/batch.pdf', {
    schema: {
      tags: ['plan'],
      summary:
        "The plan's next orders printed in its order as one PDF: each order's labels (where bought), then its A6 packing slip",
      querystring: batchQuery,
    },
    handler: async (request, reply) => {
      const { pdf, batch, labels, slips } = await turns.inTurn(
        callerKey(request),
        () => batchDocumentsPdf(ctx, batchOf(request)),
        { supersedable: false },
      );
      return batchHeaders(reply, 'batch.pdf', batch)
        .header('x-shipby-label-count', String(labels))
        .header('x-shipby-slip-count', String(slips))
        .send(pdf);
    },
  });
}

/** The stored plans brought up to date now. */
function planRefreshRoute(app: FastifyInstance, ctx: AppContext, turns: CallerTurns): void {
  app.post<{ Body: { warehouse?: string; mode?: 'auto' | 'warm' | 'full' } | undefined }>('/plan/refresh', {
    schema: {
      response: { 200: plansRefreshed, 400: errorSchema },
      tags: ['plan'],
      summary:
        'Bring the stored plans up to date now (every warehouse with staffing or a stored plan, or the one given): recomputed where their inputs changed',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { warehouse: { type: 'string' }, mode: { type: 'string', enum: ['auto', 'warm', 'full'] } },
      },
    },
    // Without a warehouse: the caller's account's warehouses only (every warehouse when access is off). It takes its
    // turn among the caller's plan requests (plan-turns.ts), as the prints do: it waits, it is not refused.
    handler: async (request) => {
      const caller = callerKey(request);
      return turns.inTurn(
        caller,
        () =>
          refreshPlans(ctx, {
            warehouseId: request.body?.warehouse,
            refresh: request.body?.mode,
            caller,
            ...(request.access.warehouses ? { warehouseIds: request.access.warehouses } : {}),
          }),
        { supersedable: false },
      );
    },
  });
}

/** A warehouse's staffing: read, and set field by field. */
function staffingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/warehouses/:id/staffing', {
    schema: {
      response: { 200: ref('Staffing'), 404: errorSchema },
      tags: ['plan'],
      summary:
        "A warehouse's staffing: stations, shifts, carrier pick-ups, time zone, lateness cost per hour (the defaults when none is stored)",
    },
    handler: async (request) => getStaffing(ctx, request.params.id),
  });

  app.put<{
    Params: { id: string };
    Body: {
      stations?: number;
      shifts?: Array<{ start: string; end: string }>;
      pickups?: string[];
      time_zone?: string | null;
      hourly_cost?: number;
      weekdays?: number[] | null;
    };
  }>(
    '/warehouses/:id/staffing',
    {
      schema: {
        response: { 200: ref('Staffing'), 400: errorSchema, 404: errorSchema },
        tags: ['plan'],
        summary:
          "Set a warehouse's staffing (the fields given; the others stay). Its plan is recomputed when next asked for",
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            stations: { type: 'integer' },
            shifts: { type: 'array', items: window },
            pickups: { type: 'array', items: { type: 'string' } },
            time_zone: { type: ['string', 'null'] },
            hourly_cost: { type: 'integer' },
            weekdays: { type: ['array', 'null'], items: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const b = request.body;
      return setStaffing(ctx, request.params.id, {
        stations: b.stations,
        shifts: b.shifts,
        pickups: b.pickups,
        timeZone: b.time_zone,
        hourlyCost: b.hourly_cost,
        weekdays: b.weekdays,
      });
    },
  );
}

/** Work estimates: those in force, and a shop's or a warehouse's set. */
function workEstimateRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/plan/estimates', {
    schema: {
      response: { 200: workEstimates },
      tags: ['plan'],
      summary:
        'Work estimates: per shop the one in force (learned from measured packing sessions, or set), with its source and session count; per warehouse what is set',
    },
    handler: async (request) => {
      const { shops, warehouses } = request.access;
      const items = await listWorkEstimates(ctx, defaults());
      return {
        items: items.filter((e) =>
          e.scope === 'shop' ? !shops || shops.includes(e.id) : !warehouses || warehouses.includes(e.id),
        ),
      };
    },
  });

  app.put<{ Params: { shop: string }; Body: EstimateBody }>('/shops/:shop/work-estimate', {
    schema: {
      response: { 200: ref('WorkEstimate'), 400: errorSchema },
      tags: ['plan'],
      summary:
        "Set a shop's work estimate, minutes per order + per line + per unit (used until enough packing sessions are measured)",
      body: estimateBody,
    },
    handler: async (request) =>
      setWorkEstimate(ctx, {
        scope: 'shop',
        id: request.params.shop,
        minutesPerOrder: request.body.minutes_per_order,
        minutesPerLine: request.body.minutes_per_line,
        minutesPerUnit: request.body.minutes_per_unit,
      }),
  });

  app.put<{ Params: { id: string }; Body: EstimateBody }>('/warehouses/:id/work-estimate', {
    schema: {
      response: { 200: ref('WorkEstimate'), 400: errorSchema },
      tags: ['plan'],
      summary:
        "Set a warehouse's work estimate (for shops with neither their own figures nor enough measured sessions)",
      body: estimateBody,
    },
    handler: async (request) =>
      setWorkEstimate(ctx, {
        scope: 'warehouse',
        id: request.params.id,
        minutesPerOrder: request.body.minutes_per_order,
        minutesPerLine: request.body.minutes_per_line,
        minutesPerUnit: request.body.minutes_per_unit,
      }),
  });
}
