/**
 * The pack-and-ship commands end to end: set up boxes, SKU sizes and the sender, plan the boxes, quote with the
 * explanation, import a contract (a bad sheet refused with its rows named), write a packing slip PDF.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { shipby as shipbyProcess } from '../support/processes';

const dir = tempDir();
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'pack.db')}` };

/**
 * Runs a command line in this process (support/cli-in-process.ts: the same command line code, without a Node process
 * to start per command); the import and the packing slip run `./bin/shipby` itself.
 */
async function shipby(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return shipbyInProcess(args, env);
}

// Two commands start a Node process (about 1 s each on an idle machine, 6 s under heavy load): a generous limit.
describe('the pack and carrier commands', { timeout: 300_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plans boxes, quotes with reasons, imports contracts and writes a packing slip', async () => {
    expect((await shipbyProcess(['import', path.resolve('examples/orders.csv'), '--shop', 'demo'], env)).code).toBe(0);
    expect(
      (
        await shipby(
          'pack',
          'sku-dims',
          'PHONE-CASE-BLK',
          '--dims',
          '170x90x15',
          '--weight',
          '45',
          '--barcode',
          '6900000000017',
        )
      ).code,
    ).toBe(0);
    expect((await shipby('pack', 'sku-dims', 'USB-C-CABLE-1M', '--dims', '120x80x20', '--weight', '35')).code).toBe(0);
    expect(
      (
        await shipby(
          'pack',
          'box',
          'demo',
          'BAG-S',
          '--inner',
          '250x180x30',
          '--max-weight',
          '500',
          '--tare',
          '8',
          '--cost',
          '0.30',
          '--currency',
          'CNY',
        )
      ).code,
    ).toBe(0);
    const badBox = await shipby(
      'pack',
      'box',
      'demo',
      'BAD',
      '--inner',
      '250x180',
      '--max-weight',
      '500',
      '--tare',
      '8',
      '--cost',
      '0.30',
      '--currency',
      'CNY',
    );
    expect(badBox.code).toBe(2);
    expect(badBox.stderr).toContain('--inner must be LxWxH');

    const packed = await shipby('pack', '8190000000000001');
    expect(packed.code).toBe(0);
    expect(packed.stdout).toContain('Packed in BAG-S (3, 133 g).');
    expect(packed.stdout).toMatch(/BAG-S\s+PHONE-CASE-BLK×2 USB-C-CABLE-1M×1\s+133/);

    const quote = JSON.parse((await shipby('quote', '8190000000000001', '--json', '--promised-days', '40')).stdout);
    expect(quote.source).toBe('sample');
    expect(quote.promise).toMatchObject({ days: 40, source: 'order' });
    expect(quote.parcels[0].candidates).toHaveLength(8);
    expect(quote.parcels[0].explanation.en.length).toBeGreaterThan(20);
    for (const c of quote.parcels[0].candidates.filter((x: { chosen: boolean }) => !x.chosen))
      expect(c.dropped_because.length).toBeGreaterThan(0);

    const contract = path.resolve('examples/carrier-contract.csv');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, fs.readFileSync(contract, 'utf8').replace(',62.00,', ',62,00,').replace(',88.00,', ',-1,'));
    const refused = await shipby('carrier', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^row 2, /m);
    expect(refused.stderr).toMatch(/^row 3, per_kg_price: per_kg_price "-1" is not an amount in CNY/m);
    const imported = await shipby('carrier', 'import', contract, '--replace');
    expect(imported.stdout).toContain('2 service(s) imported (the catalogue was replaced).');
    expect((await shipby('carrier', 'services')).stdout).toMatch(
      /example-registered\s+china-post\s+standard\s+CNY\s+CPAM\s+3/,
    );

    expect((await shipby('pack', 'note', '8190000000000001', 'Gift: no price tags please')).code).toBe(0);
    const slip = path.join(dir, 'slip.pdf');
    expect((await shipbyProcess(['pack', 'slip', '8190000000000001', '--size', 'A4', '-o', slip], env)).code).toBe(0);
    const text = execFileSync('pdftotext', [slip, '-'], { encoding: 'utf8' });
    expect(text).toContain('Order 8190000000000001');
    expect(text).toContain('PHONE-CASE-BLK');
    expect(text).toContain('Gift: no price tags please');
  });
});
