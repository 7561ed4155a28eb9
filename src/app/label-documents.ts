/**
 * The carrier's own label PDF, kept: when a label is bought its bytes are fetched from the carrier (YunExpress
 * `Label/Print`'s link, 4PX `ds.xms.label.get`) and stored with the label row (`label_documents`), so a re-print is
 * the carrier's document as it made it, not one drawn again. A carrier that fails to give the PDF does not undo the
 * label: the bytes are fetched on the next re-print and kept then.
 */
import { createHash } from 'node:crypto';
import { localized, LocalizedError, type Localized } from '../core/i18n';
import type { CarrierAdapter } from '../integrations/carriers/types';
import type { Executor } from '../store/orders';
import type { ParcelLabelRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { NotFoundError } from './errors';
import { storedCarrierResolver, type CarrierResolver } from './carrier-contracts';

const PDF_MAGIC = '%PDF-';

async function storeDocument(
  db: Executor,
  label: { id: number; parcel_id: number },
  bytes: Buffer,
  now: number,
): Promise<void> {
  await db
    .insertInto('label_documents')
    .values({
      label_id: label.id,
      parcel_id: label.parcel_id,
      content_type: 'application/pdf',
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fetched_at: now,
    })
    .onConflict((oc) => oc.column('label_id').doNothing())
    .execute();
}

async function fetchPdf(
  adapter: CarrierAdapter,
  label: { carrierLabelId: string; labelUrl?: string | null },
): Promise<Buffer> {
  const bytes = await adapter.labelPdf(label);
  if (bytes.subarray(0, PDF_MAGIC.length).toString('latin1') !== PDF_MAGIC)
    throw new Error('the carrier answered something that is not a PDF');
  return bytes;
}

/** Right after a label is bought: its PDF fetched and kept. Returns a warning (never throws) when the carrier fails. */
export async function keepCarrierLabel(
  ctx: AppContext,
  label: { id: number; parcel_id: number; carrierLabelId: string; labelUrl?: string | null },
  adapter: CarrierAdapter,
): Promise<Localized | null> {
  try {
    await storeDocument(ctx.store.db, label, await fetchPdf(adapter, label), ctx.now());
    return null;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return localized(
      `The carrier's label PDF could not be fetched yet (${why}); it is fetched again when you re-print the label.`,
      `暂时无法获取承运商面单 PDF（${why}）；重新打印面单时会再次获取。`,
    );
  }
}

/** The carrier's label PDF of a parcel's current label: the stored bytes, else fetched from the carrier and kept. */
export async function carrierLabelPdf(
  ctx: AppContext,
  parcelId: number,
  resolver: CarrierResolver = storedCarrierResolver(ctx),
): Promise<{ pdf: Buffer; labelId: number; trackingNumber: string; stored: boolean }> {
  const db = ctx.store.db;
  const label = await db
    .selectFrom('parcel_labels')
    .selectAll()
    .where('parcel_id', '=', parcelId)
    .where('status', '=', 'active')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!label)
    throw new NotFoundError(
      localized(`Parcel ${parcelId} has no label bought from a carrier.`, `包裹 ${parcelId} 没有从承运商购买的面单。`),
    );
  const kept = await db
    .selectFrom('label_documents')
    .select('bytes')
    .where('label_id', '=', label.id)
    .executeTakeFirst();
  if (kept)
    return { pdf: Buffer.from(kept.bytes), labelId: label.id, trackingNumber: label.tracking_number, stored: true };
  const pdf = await fetchAndKeep(ctx, label, resolver);
  return { pdf, labelId: label.id, trackingNumber: label.tracking_number, stored: false };
}

type LabelOfParcel = Pick<ParcelLabelRow, 'id' | 'parcel_id' | 'carrier' | 'carrier_label_id'>;

/** Fetches a label's PDF from its carrier and keeps it; NotFoundError when no account can speak to the carrier. */
async function fetchAndKeep(
  ctx: AppContext,
  label: LabelOfParcel,
  resolver: CarrierResolver,
  scope?: { shopId: string },
): Promise<Buffer> {
  const adapter = await resolver(label.carrier, scope);
  if (!adapter)
    throw new NotFoundError(
      localized(
        `No carrier account for ${label.carrier}: add it in Settings to re-print its label.`,
        `没有 ${label.carrier} 的承运商账号：请在设置中添加后再重新打印面单。`,
      ),
    );
  const pdf = await fetchPdf(adapter, { carrierLabelId: label.carrier_label_id });
  await storeDocument(ctx.store.db, { id: label.id, parcel_id: label.parcel_id }, pdf, ctx.now());
  return pdf;
}

/** A label's carrier document to print, or why it cannot be printed now (the carrier did not give it). */
export type CarrierDocument = { pdf: Buffer } | { problem: Localized };

/**
 * The carrier's own documents of these labels, for printing: the kept bytes, else fetched from the carrier now and
 * kept. A carrier that fails (or no account for it any more) gives the label's reason instead, never an exception:
 * one missing document does not stop a batch.
 */
export async function carrierDocuments(
  ctx: AppContext,
  labels: ReadonlyArray<LabelOfParcel & { shopId: string }>,
  resolver: CarrierResolver = storedCarrierResolver(ctx),
): Promise<Map<number, CarrierDocument>> {
  const found = new Map<number, CarrierDocument>();
  if (!labels.length) return found;
  const kept = await ctx.store.db
    .selectFrom('label_documents')
    .select(['label_id', 'bytes'])
    .where(
      'label_id',
      'in',
      labels.map((l) => l.id),
    )
    .execute();
  for (const row of kept) found.set(row.label_id, { pdf: Buffer.from(row.bytes) });
  for (const label of labels) {
    if (found.has(label.id)) continue;
    try {
      found.set(label.id, { pdf: await fetchAndKeep(ctx, label, resolver, { shopId: label.shopId }) });
    } catch (error) {
      const why =
        error instanceof LocalizedError
          ? error.localizedMessage
          : localized(
              error instanceof Error ? error.message : String(error),
              error instanceof Error ? error.message : String(error),
            );
      found.set(label.id, {
        problem: localized(
          `The carrier's label could not be fetched (${why.en.replace(/[.。]$/, '')}). Print it again later.`,
          `无法获取承运商面单（${why['zh-CN'].replace(/[.。]$/, '')}）。请稍后重新打印。`,
        ),
      });
    }
  }
  return found;
}
