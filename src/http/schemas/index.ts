/**
 * The named response schemas, registered once on the server (`addSchema`): routes refer to them (`ref('Order')`),
 * /docs lists them under components.schemas, and the dashboard's types are generated from them.
 */
import type { FastifyInstance } from 'fastify';
import { Localized, Money, type Schema } from './common';
import { ACCESS_SCHEMAS } from './access';
import { AFTER_SALES_SCHEMAS } from './after-sales';
import { CATALOGUE_EDIT_SCHEMAS, CATALOGUE_SCHEMAS } from './catalogue';
import { DEADLINE_SCHEMAS } from './deadlines';
import { ORDER_SCHEMAS } from './orders';
import { LABEL_SCHEMAS } from './labels';
import { PACK_SCHEMAS, PLAN_SCHEMAS } from './pack';
import { PARCEL_SCHEMAS, TRACKING_SCHEMAS } from './parcels';
import { CARRIER_SCHEMAS, SETTINGS_SCHEMAS } from './settings';
import { STOCK_SCHEMAS } from './stock';
import { AUTHORISATION_SCHEMAS, SYSTEM_SCHEMAS } from './system';

const NAMED: Record<string, Schema> = {
  Localized,
  Money,
  ...ORDER_SCHEMAS,
  ...DEADLINE_SCHEMAS,
  ...PARCEL_SCHEMAS,
  ...TRACKING_SCHEMAS,
  ...AFTER_SALES_SCHEMAS,
  ...PACK_SCHEMAS,
  ...PLAN_SCHEMAS,
  ...LABEL_SCHEMAS,
  ...SETTINGS_SCHEMAS,
  ...CARRIER_SCHEMAS,
  ...CATALOGUE_SCHEMAS,
  ...CATALOGUE_EDIT_SCHEMAS,
  ...STOCK_SCHEMAS,
  ...SYSTEM_SCHEMAS,
  ...AUTHORISATION_SCHEMAS,
  ...ACCESS_SCHEMAS,
};

export function registerResponseSchemas(app: FastifyInstance): void {
  for (const [id, schema] of Object.entries(NAMED)) app.addSchema({ $id: id, ...schema });
}
