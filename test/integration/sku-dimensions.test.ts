/**
 * SKU sizes without a barcode, on SQLite AND PostgreSQL: the barcode clash check has nothing to look up (it used a
 * NUL placeholder that PostgreSQL refuses in UTF-8 text, so `pack sku-dims` without `--barcode` always failed there).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { listSkuDimensions, presentSkuDimensions, setSkuDimensions } from '../../src/app/packing-catalog';
import { buildServer } from '../../src/http/server';
import { backends, contextFor } from '../support/backends';

describe.each(backends)('SKU sizes without a barcode on $name', (backend) => {
  let ctx: AppContext;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store);
  });
  afterEach(async () => {
    await dispose();
  });

  it('stores a SKU with no barcode, and one whose barcode is blank', async () => {
    await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200 }]);
    await setSkuDimensions(ctx, [{ sku: 'SKU-B', dimsMm: [10, 10, 10], weightG: 20, barcode: '  ' }]);
    expect((await listSkuDimensions(ctx)).map(presentSkuDimensions)).toEqual([
      { sku: 'SKU-A', dims_mm: [100, 80, 50], weight_g: 200, barcode: null, batteries: 'none', liquids: false },
      { sku: 'SKU-B', dims_mm: [10, 10, 10], weight_g: 20, barcode: null, batteries: 'none', liquids: false },
    ]);
  });

  it('answers PUT /skus/dimensions without a barcode', async () => {
    const app = await buildServer(ctx, { authentication: false });
    try {
      const put = await app.inject({
        method: 'PUT',
        url: '/skus/dimensions',
        payload: { items: [{ sku: 'SKU-C', dims_mm: [30, 20, 10], weight_g: 50 }] },
      });
      expect(put.statusCode).toBe(200);
      const got = await app.inject({ method: 'GET', url: '/skus/dimensions?sku=SKU-C' });
      expect(got.json().items).toEqual([
        { sku: 'SKU-C', dims_mm: [30, 20, 10], weight_g: 50, barcode: null, batteries: 'none', liquids: false },
      ]);
    } finally {
      await app.close();
    }
  });
});
