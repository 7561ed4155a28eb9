/**
 * The label and the packing slip as a carrier, customs and a packer see them: rendered to images (pdftoppm) and read
 * back (pdftotext; zbarimg for the barcodes when installed). A parcel leaving the sender's customs territory gets a
 * CN22 page; the address shows the state and the second line; the sort code stays on one line; no rate card's
 * remark reaches a label; the slip's barcode clears its title.
 */
import { describe, expect, it } from 'vitest';
import { customsDeclaration, needsCustomsDeclaration } from '../../src/core/customs';
import { renderLabels, serviceOnLabel, type LabelData } from '../../src/documents/label';
import { renderPackingSlip } from '../../src/documents/packing-slip';
import { barcodeReader, darkOutside, pdfPages, pdfWords, readBarcodes, renderPage } from '../support/pdf-render';

const SENDER = {
  name: 'Shenzhen Bright Goods Co.',
  line1: '18 Keji Rd, Nanshan',
  city: 'Shenzhen',
  state: 'Guangdong',
  postcode: '518057',
  country: 'CN',
  phone: '+86 755 1234 5678',
};

function label(extra: Partial<LabelData> = {}): LabelData {
  return {
    trackingNumber: 'LP00123456789012',
    carrierName: 'Cainiao',
    serviceName: 'AliExpress Standard Shipping (sample rates)',
    routingCode: 'ES-MAD-28013-Z4-SORT-07',
    sender: SENDER,
    recipient: {
      name: 'Lucía Fernández',
      line1: 'Calle de Alcalá 45',
      line2: 'Piso 3, puerta B',
      city: 'Madrid',
      state: 'Comunidad de Madrid',
      postcode: '28014',
      country: 'ES',
      phone: '+34 600 111 222',
    },
    orderReference: '8181234567890123',
    parcelPosition: 1,
    parcelCount: 1,
    weightG: 412,
    box: 'S',
    labelledOn: '2026-12-07',
    customs: customsDeclaration(
      [
        { sku: 'PHONE-CASE-BLK', quantity: 2, unitValue: 645, hsCode: '392690', description: 'Phone case, TPU' },
        { sku: 'CABLE-USBC-1M', quantity: 1, unitValue: 320 },
      ],
      412,
      'EUR',
    ),
    ...extra,
  };
}

describe('customs rule', () => {
  it("asks for a declaration when the parcel leaves the sender's customs territory", () => {
    expect(needsCustomsDeclaration('CN', 'ES')).toBe(true);
    expect(needsCustomsDeclaration('CN', 'HK')).toBe(true);
    expect(needsCustomsDeclaration('CN', 'CN')).toBe(false);
    expect(needsCustomsDeclaration('ES', 'DE')).toBe(false); // both in the EU customs union
    expect(needsCustomsDeclaration('ES', 'GB')).toBe(true);
    expect(needsCustomsDeclaration('RU', 'kz')).toBe(false);
  });

  it('shares the parcel weight over the lines and sums the values', () => {
    const d = customsDeclaration(
      [
        { sku: 'A', quantity: 2, unitValue: 645 },
        { sku: 'B', quantity: 1, unitValue: 320 },
      ],
      412,
      'EUR',
    );
    expect(d.items.map((i) => i.weightG)).toEqual([274, 138]);
    expect(d.totalWeightG).toBe(412);
    expect(d.totalValue).toBe(1610);
    expect(d.items.every((i) => i.origin === 'CN')).toBe(true);
  });
});

describe('the label, rendered', () => {
  it('prints the state, the second line, the sort code on one line and no rate remark; a CN22 page follows', async () => {
    const pdf = await renderLabels([label()]);
    const [front, cn22] = pdfPages(pdf);
    expect(front).toContain('Piso 3, puerta B');
    expect(front).toMatch(/28014 Madrid, Comunidad de Madrid/);
    expect(front).toContain('Guangdong');
    expect(front).toContain('ES-MAD-28013-Z4-SORT-07');
    expect(front).toContain('AliExpress Standard Shipping');
    expect(front).not.toMatch(/sample rates/i);
    expect(cn22).toMatch(/CUSTOMS DECLARATION\s+CN 22/);
    expect(cn22).toMatch(/\[X\] Sale of goods/);
    expect(cn22).toMatch(/Phone case, TPU\s+2\s+0\.274\s+12\.90\s+392690/);
    expect(cn22).toMatch(/CABLE-USBC-1M\s+1\s+0\.138\s+3\.20/);
    expect(cn22).toMatch(/Total weight \(kg\)\s+0\.412\s+16\.10 EUR/);
    expect(cn22).toContain('Country of origin of goods: China (CN)');
    expect(cn22).toContain("Date and sender's signature");
    expect(cn22).toContain('LP00123456789012');
  }, 60_000);

  it('has no CN22 page inside the customs territory', async () => {
    const pdf = await renderLabels([label({ customs: null, recipient: { ...SENDER, name: 'Wang Fang' } })]);
    expect(pdfPages(pdf)).toHaveLength(1);
  }, 60_000);

  it('keeps a long sort code on one line: every word of it shares one baseline', async () => {
    const pdf = await renderLabels([label({ routingCode: 'GB-LON-EC1A-1BB-Z7-SORT-12' })]);
    const code = pdfWords(pdf, 1).filter((w) => w.text.includes('SORT'));
    expect(code).toHaveLength(1);
    expect(code[0]!.text).toBe('GB-LON-EC1A-1BB-Z7-SORT-12');
    expect(code[0]!.xMax).toBeLessThanOrEqual(96 * (72 / 25.4) + 0.5); // inside the label's 4 mm margin
  }, 60_000);

  it.runIf(barcodeReader())(
    'carries barcodes a scanner reads: the tracking number and the order',
    async () => {
      const image = renderPage(await renderLabels([label()]), 1);
      expect(readBarcodes(image).sort()).toEqual(['8181234567890123', 'LP00123456789012']);
    },
    60_000,
  );

  it('drops only the rate card remark from a service name', () => {
    expect(serviceOnLabel('ePacket (sample rates)')).toBe('ePacket');
    expect(serviceOnLabel('e 邮宝（示例运价）')).toBe('e 邮宝');
    expect(serviceOnLabel('YunExpress Global Direct Line')).toBe('YunExpress Global Direct Line');
  });
});

describe('the packing slip, rendered', () => {
  const slip = {
    orderReference: '8181234567890123',
    shopName: 'Bright Goods Store',
    shipBy: '2026-12-09 16:00 UTC',
    buyerName: 'Lucía Fernández',
    buyerCountry: 'ES',
    buyerCity: 'Madrid',
    items: [{ sku: 'PHONE-CASE-BLK', quantity: 2 }],
    buyerNote: null,
    printedOn: '2026-12-07 05:00',
  };

  for (const size of ['A6', 'A4'] as const) {
    it(`keeps the order barcode clear of the title (${size})`, async () => {
      const pdf = await renderPackingSlip(slip, size);
      const words = pdfWords(pdf, 1);
      const title = words.filter((w) => /Packing|slip|装箱单/.test(w.text));
      expect(title.length).toBeGreaterThan(0);
      const top = Math.min(...title.map((w) => w.yMin));
      const bottom = Math.max(...title.map((w) => w.yMax));
      const image = renderPage(pdf, 1, 150);
      // In the title's rows, nothing is drawn but words: the barcode starts below.
      expect(darkOutside(image, top, bottom + 1, words)).toBe(0);
      if (barcodeReader()) expect(readBarcodes(renderPage(pdf, 1))).toContain('8181234567890123');
    }, 60_000);
  }
});
