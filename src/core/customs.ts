/**
 * Customs on the label: whether a parcel needs a declaration (leaving the sender's customs territory, by the data in
 * core/data/customs-unions), and the CN22 block's content built from the parcel's lines: each line's description,
 * quantity, net weight, value and HS code, their totals, and the origin (CN for what shipby sellers send).
 */
import { CUSTOMS_UNIONS } from './data/customs-unions';

function territoryOf(country: string): string {
  const code = country.toUpperCase();
  for (const [union, members] of Object.entries(CUSTOMS_UNIONS)) if (members.includes(code)) return union;
  return code;
}

export function needsCustomsDeclaration(fromCountry: string, toCountry: string): boolean {
  return territoryOf(fromCountry) !== territoryOf(toCountry);
}

export interface CustomsItem {
  description: string;
  quantity: number;
  /** Net weight of the line, grams. */
  weightG: number;
  /** Value of the line (unit value × quantity), minor units of the declaration's `currency`. */
  value: number;
  hsCode: string | null;
  origin: string;
}

export interface CustomsDeclaration {
  category: 'sale-of-goods' | 'gift' | 'sample' | 'documents' | 'other';
  items: CustomsItem[];
  totalWeightG: number;
  /** Minor units of `currency`. */
  totalValue: number;
  currency: string;
}

export interface CustomsLine {
  sku: string;
  quantity: number;
  /** Minor units per unit, in the declaration's currency. */
  unitValue: number;
  hsCode?: string | null;
  description?: string | null;
}

/**
 * The declaration for a sale: the lines' values as given (the SKU's customs value, else the price paid); the parcel's weight shared over the units when the lines'
 * own weights are unknown (a CN22 asks for each line's weight, and their sum must not exceed the parcel's).
 */
export function customsDeclaration(
  lines: readonly CustomsLine[],
  parcelWeightG: number,
  currency: string,
  origin = 'CN',
): CustomsDeclaration {
  const units = lines.reduce((n, l) => n + l.quantity, 0) || 1;
  let given = 0;
  const items = lines.map((l, i) => {
    const weightG = i === lines.length - 1 ? parcelWeightG - given : Math.floor((parcelWeightG * l.quantity) / units);
    given += weightG;
    return {
      description: l.description?.trim() || l.sku,
      quantity: l.quantity,
      weightG,
      value: l.unitValue * l.quantity,
      hsCode: l.hsCode ?? null,
      origin,
    };
  });
  return {
    category: 'sale-of-goods',
    items,
    totalWeightG: items.reduce((n, i) => n + i.weightG, 0),
    totalValue: items.reduce((n, i) => n + i.value, 0),
    currency,
  };
}
