/**
 * After-sales evidence: photos and PDFs of a case, stored under the data dir by content hash, sniffed for their real
 * type and counted against the shop's evidence quota (one writer per shop at a time). The case itself is
 * after-sales.ts; what it reads back is after-sales-views.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { contentMatchesExtension, EVIDENCE_EXTENSIONS, evidenceQuotaBytes, sniffEvidenceType } from '../core/file-type';
import { localized } from '../core/i18n';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { timelineEvent } from '../core/timeline';
import { dataDir } from './after-sales';
import { getCase, type CaseView } from './after-sales-views';

/**
 * Stores a photo (or PDF) under `<dataDir>/evidence/<case>/<sha256><ext>` and records it; the same file twice is one
 * file. The bytes must be what the extension says, and a shop's evidence stays within its quota (issue 19).
 */
export async function addPhotoEvidence(
  ctx: AppContext,
  caseId: number,
  file: { name: string; content: Buffer },
  actor: string,
  root: string = dataDir(),
  quotaBytes = evidenceQuotaBytes(process.env),
): Promise<CaseView> {
  const ext = path.extname(file.name).toLowerCase();
  const types = Object.keys(EVIDENCE_EXTENSIONS).join(' ');
  if (!EVIDENCE_EXTENSIONS[ext])
    throw new ValidationError([
      { row: 0, field: 'file_name', message: localized(`evidence files are ${types}.`, `证据文件类型须为 ${types}。`) },
    ]);
  if (file.content.length === 0 || file.content.length > 20 * 1024 * 1024)
    throw new ValidationError([
      {
        row: 0,
        field: 'content_base64',
        message: localized('an evidence file is 1 byte to 20 MB.', '证据文件大小须在 1 字节到 20 MB 之间。'),
      },
    ]);
  if (!contentMatchesExtension(ext, file.content)) {
    const found = sniffEvidenceType(file.content);
    throw new ValidationError([
      {
        row: 0,
        field: 'content_base64',
        message: localized(
          `the file is named ${ext} but its content is ${found ? `a ${found} file` : 'none of ' + types}: choose the original photo or PDF.`,
          `文件名为 ${ext}，但内容${found ? `是 ${found} 文件` : `不属于 ${types}`}：请选择原始照片或 PDF。`,
        ),
      },
    ]);
  }
  const row = await ctx.store.db
    .selectFrom('after_sales_cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(localized(`case ${caseId} not found.`, `未找到纠纷 ${caseId}。`));
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const relative = path.join('evidence', String(caseId), `${sha256}${ext}`);
  const absolute = path.resolve(root, relative);
  const now = ctx.now();
  // The quota is checked and the file counted in one transaction that holds the shop's evidence lock, so two uploads
  // at once cannot both pass on the same room: SQLite's writing transactions are serial (BEGIN IMMEDIATE); on
  // PostgreSQL the shop's row is locked (FOR NO KEY UPDATE, which leaves the shop's foreign keys free).
  await ctx.store.db.transaction().execute(async (trx) => {
    await lockShopEvidence(trx, ctx.store.dialect, row.shop_id);
    const known = await trx
      .selectFrom('after_sales_evidence')
      .select('id')
      .where('case_id', '=', caseId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (known) return;
    const used = await evidenceBytesOfShop(trx, row.shop_id);
    if (used + file.content.length > quotaBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      throw new ConflictError(
        'evidence_quota',
        localized(
          `The shop's evidence would exceed its quota (${mb(used)} of ${mb(quotaBytes)} MB used). Close finished cases' files or ask the installation's owner for more room.`,
          `店铺的证据文件将超出配额（已用 ${mb(used)} / ${mb(quotaBytes)} MB）。请清理已结束纠纷的文件，或请系统所有者增加配额。`,
        ),
      );
    }
    // Written before the row: a crash leaves an orphan file at worst, never a row without its file.
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    if (!fs.existsSync(absolute)) fs.writeFileSync(absolute, file.content);
    await trx
      .insertInto('after_sales_evidence')
      .values({
        case_id: caseId,
        kind: 'photo',
        file_path: relative,
        sha256,
        content: file.name,
        added_at: now,
        added_by: actor,
        size_bytes: file.content.length,
      })
      .execute();
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: row.order_id,
        at: now,
        actor,
        kind: 'after_sales_evidence',
        reason: `photo ${file.name}`,
        data: JSON.stringify({ case_id: caseId, file: relative, sha256 }),
      }),
    ]);
  });
  return getCase(ctx, caseId);
}

/** Serialises a shop's evidence writers (PostgreSQL; SQLite's writing transactions are serial already). */
async function lockShopEvidence(trx: Executor, dialect: 'sqlite' | 'postgres', shopId: string): Promise<void> {
  if (dialect === 'postgres')
    await trx.selectFrom('shops').select('id').where('id', '=', shopId).forNoKeyUpdate().execute();
}

/** The bytes of evidence files a shop keeps (every case of every order of it). */
async function evidenceBytesOfShop(db: Executor, shopId: string): Promise<number> {
  const row = await db
    .selectFrom('after_sales_evidence')
    .innerJoin('after_sales_cases', 'after_sales_cases.id', 'after_sales_evidence.case_id')
    .select((eb) =>
      eb.fn.coalesce(eb.fn.sum<number | string>('after_sales_evidence.size_bytes'), eb.lit(0)).as('bytes'),
    )
    .where('after_sales_cases.shop_id', '=', shopId)
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}
