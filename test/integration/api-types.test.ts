/**
 * Issue 21, "types from the API": the dashboard's response types are generated from the server's OpenAPI document
 * (scripts/openapi.mjs → web/src/api-types.gen.ts). The committed file is the one the response schemas give, the
 * check fails naming the file when it is not, and the screens' routes answer with a declared schema.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedTypes, openApiDocument, TARGET } from '../../scripts/openapi-types.mjs';
import { tempDir } from '../support/backends';
import { CHILD_PROCESS_TIMEOUT } from '../support/processes';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** The routes behind the dashboard's main screens, and the status of their answer. */
const SCREEN_ROUTES: Array<[method: string, path: string, status: string]> = [
  ['get', '/orders', '200'],
  ['get', '/orders/{id}', '200'],
  ['get', '/parcels', '200'],
  ['get', '/parcels/all', '200'],
  ['get', '/parcels/{id}/tracking', '200'],
  ['post', '/pack/sessions', '201'],
  ['get', '/pack/sessions/{id}', '200'],
  ['post', '/pack/sessions/{id}/scans', '200'],
  ['post', '/pack/sessions/{id}/weight', '200'],
  ['get', '/pack/being-packed', '200'],
  ['get', '/plan', '200'],
  ['get', '/shops', '200'],
  ['get', '/notices', '200'],
  ['get', '/webhooks', '200'],
  ['get', '/setup', '200'],
  ['get', '/warehouses', '200'],
  ['get', '/catalogue/skus', '200'],
  ['get', '/stock', '200'],
  ['get', '/stock/shortages', '200'],
  ['get', '/shops/{shop}/boxes', '200'],
  ['get', '/shops/{shop}/sender', '200'],
  ['get', '/skus/dimensions', '200'],
  ['get', '/carrier/services', '200'],
];

interface Document {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
}

describe('the dashboard types generated from the OpenAPI document', () => {
  let document: Document;
  beforeAll(async () => {
    document = (await openApiDocument()) as Document;
  });

  it('declares a response schema on every route of the main screens', () => {
    const missing = SCREEN_ROUTES.filter(
      ([method, route, status]) =>
        !document.paths[route]?.[method]?.responses?.[status]?.content?.['application/json']?.schema,
    );
    expect(missing).toEqual([]);
    // The shapes the dashboard aliases by name.
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Order', 'OrderDetail', 'ParcelListItem', 'PackSession', 'SetupStatus', 'Shop']),
    );
  });

  it('has the committed file equal to what the response schemas give', async () => {
    const committed = fs.readFileSync(TARGET, 'utf8');
    expect(await generatedTypes()).toBe(committed);
    // The drift issue 21 found: a parcel of the list has its creation time.
    expect(committed).toMatch(/ParcelListItem: \{[^}]*created_at: string \| null;/s);
  });

  it(
    'fails the check with exit 1, naming the file, when the file differs from what the schemas give',
    async () => {
      const dir = tempDir();
      const stale = path.join(dir, 'api-types.gen.ts');
      fs.writeFileSync(
        stale,
        fs.readFileSync(TARGET, 'utf8').replace('created_at: string | null;', 'created_at: string;'),
      );
      const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/openapi.mjs', '--check', stale], {
        cwd: ROOT,
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toContain('api-types.gen.ts is out of date');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
