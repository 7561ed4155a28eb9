/**
 * The named response schemas, registered once on the server (`addSchema`): routes refer to them (`ref('Order')`),
 * /docs lists them under components.schemas, and the dashboard's types are generated from them.
 */
import type { FastifyInstance } from 'fastify';
import { Localized, Money, type Schema } from './common';
import { ACCESS_SCHEMAS } from './access';
import { CATALOGUE_SCHEMAS } from './catalogue';
import { ORDER_SCHEMAS } from './orders';
import { LABEL_SCHEMAS } from './labels';
import { PACK_SCHEMAS } from './pack';
import { PARCEL_SCHEMAS } from './parcels';
import { CARRIER_SCHEMAS, SETTINGS_SCHEMAS } from './settings';
import { STOCK_SCHEMAS } from './stock';
import { SYSTEM_SCHEMAS } from './system';

const NAMED: Record<string, Schema> = {
  Localized,
  Money,
  ...ORDER_SCHEMAS,
  ...PARCEL_SCHEMAS,
  ...PACK_SCHEMAS,
  ...LABEL_SCHEMAS,
  ...SETTINGS_SCHEMAS,
  ...CARRIER_SCHEMAS,
  ...CATALOGUE_SCHEMAS,
  ...STOCK_SCHEMAS,
  ...SYSTEM_SCHEMAS,
  ...ACCESS_SCHEMAS,
};

export function registerResponseSchemas(app: FastifyInstance): void {
  for (const [id, schema] of Object.entries(NAMED)) app.addSchema({ $id: id, ...schema });
}
