import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { DEFAULT_PLAN_SETTINGS, planOpenOrders, presentWorkPlan } from '../../app/plan';

export function planRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { shop?: string; stations?: number; shift?: string; pickups?: string; zone?: string; hourly_cost?: number; budget_ms?: number } }>('/plan', {
    schema: {
      tags: ['plan'],
      summary: 'The work queue per station that keeps penalties lowest: expected finish, lateness and penalty of each order, the orders late even so, and what earliest-deadline-first would cost',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          shop: { type: 'string' },
          stations: { type: 'integer', minimum: 1, maximum: 500 },
          shift: { type: 'string', pattern: '^\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}$' },
          pickups: { type: 'string', description: 'comma-separated local times, e.g. 11:00,17:00' },
          zone: { type: 'string' },
          hourly_cost: { type: 'integer', minimum: 0 },
          budget_ms: { type: 'integer', minimum: 10, maximum: 10_000 },
        },
      },
    },
    handler: async (request) => {
      const q = request.query;
      const [start, end] = (q.shift ?? `${DEFAULT_PLAN_SETTINGS.shift.start}-${DEFAULT_PLAN_SETTINGS.shift.end}`).split('-') as [string, string];
      const work = await planOpenOrders(ctx, {
        ...DEFAULT_PLAN_SETTINGS,
        shopIds: q.shop ? q.shop.split(',') : undefined,
        stations: q.stations ?? DEFAULT_PLAN_SETTINGS.stations,
        shift: { start, end },
        pickups: q.pickups !== undefined ? q.pickups.split(',').map((t) => t.trim()).filter(Boolean) : DEFAULT_PLAN_SETTINGS.pickups,
        zone: q.zone ?? DEFAULT_PLAN_SETTINGS.zone,
        hourlyCost: q.hourly_cost ?? 0,
        timeBudgetMs: q.budget_ms ?? DEFAULT_PLAN_SETTINGS.timeBudgetMs,
      });
      return presentWorkPlan(work);
    },
  });
}
