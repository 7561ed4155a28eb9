/**
 * The named response schemas, registered once on the server (`addSchema`): routes refer to them (`ref('Order')`),
 * /docs lists them under components.schemas, and the dashboard's types are generated from them.
 */
import type { FastifyInstance } from 'fastify';
import { Localized, Money, type Schema } from './common';
import { CATALOGUE_SCHEMAS } from './catalogue';
import { ORDER_SCHEMAS } from './orders';
import { PACK_SCHEMAS } from './pack';
import { PARCEL_SCHEMAS } from './parcels';
import { SETTINGS_SCHEMAS } from './settings';
import { SYSTEM_SCHEMAS } from './system';

const NAMED: Record<string, Schema> = {
  Localized,
  Money,
  ...ORDER_SCHEMAS,
  ...PARCEL_SCHEMAS,
  ...PACK_SCHEMAS,
  ...SETTINGS_SCHEMAS,
  ...CATALOGUE_SCHEMAS,
  ...SYSTEM_SCHEMAS,
};

export function registerResponseSchemas(app: FastifyInstance): void {
  for (const [id, schema] of Object.entries(NAMED)) app.addSchema({ $id: id, ...schema });
}
