/**
 * Issue 19, finding 10 (evidence): the bytes of an upload must be what its extension says, and a shop's evidence
 * stays within its quota; a refused file leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPhotoEvidence } from '../../src/app/after-sales-evidence';
import { createContext } from '../../src/app/context';
import { contentMatchesExtension, sniffEvidenceType } from '../../src/core/file-type';
import { openStore } from '../../src/store/database';
import { openAccessServer, type AccessServer } from '../support/access-world';
import { backends, tempDir } from '../support/backends';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF more bytes')]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(8)]);
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');

describe('evidence content sniffing', () => {
  it('knows each accepted format by its first bytes, and refuses a page renamed to a picture', () => {
    expect([PNG, JPEG, PDF, HEIC].map((b) => sniffEvidenceType(b))).toEqual(['png', 'jpeg', 'pdf', 'heic']);
    expect(contentMatchesExtension('.PNG', PNG)).toBe(true);
    expect(contentMatchesExtension('.jpg', PNG)).toBe(false);
    expect(contentMatchesExtension('.jpg', HTML)).toBe(false);
    expect(contentMatchesExtension('.exe', PNG)).toBe(false);
  });
});

describe.each(backends)('evidence uploads on $name', (backend) => {
  let server: AccessServer;
  let root: string;
  beforeAll(async () => {
    server = await openAccessServer(backend);
    root = tempDir();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const files = (caseId: number) =>
    fs.existsSync(path.join(root, 'evidence', String(caseId)))
      ? fs.readdirSync(path.join(root, 'evidence', String(caseId)))
      : [];

  it('answers 400 naming the field when the content is not what the name says, and stores nothing', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: `/cases/${server.world.a.caseId}/evidence`,
      headers: server.boss.headers,
      payload: { file_name: 'receipt.jpg', content_base64: HTML.toString('base64') },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues[0].path).toBe('content_base64');
    const photos = await server.ctx.store.db
      .selectFrom('after_sales_evidence')
      .select('id')
      .where('case_id', '=', server.world.a.caseId)
      .where('kind', '=', 'photo')
      .execute();
    expect(photos).toEqual([]);
  });

  it("keeps a shop's evidence within its quota, and another shop has its own", async () => {
    const { a, c } = server.world;
    const quota = PNG.length + JPEG.length + 4;
    await addPhotoEvidence(server.ctx, a.caseId, { name: 'label.png', content: PNG }, 'test', root, quota);
    await addPhotoEvidence(server.ctx, a.caseId, { name: 'box.jpg', content: JPEG }, 'test', root, quota);
    await expect(
      addPhotoEvidence(server.ctx, a.caseId, { name: 'scan.pdf', content: PDF }, 'test', root, quota),
    ).rejects.toMatchObject({ rule: 'evidence_quota' });
    expect(files(a.caseId)).toHaveLength(2);
    // Shop C's quota is its own.
    await addPhotoEvidence(server.ctx, c.caseId, { name: 'scan.pdf', content: PDF }, 'test', root, quota);
    expect(files(c.caseId)).toHaveLength(1);
  });

  it('lets only what fits through when uploads race: the quota check and the write are one step', async () => {
    const { b } = server.world;
    // Eight different photos of the same size, sent at once; the quota holds three of them.
    const photos = Array.from({ length: 8 }, (_, i) => Buffer.concat([PNG, Buffer.from(`photo-${i}`)]));
    const size = PNG.length + 'photo-0'.length;
    const quota = size * 3 + 1;
    const results = await Promise.allSettled(
      photos.map((content, i) =>
        addPhotoEvidence(server.ctx, b.caseId, { name: `parcel-${i}.png`, content }, 'test', root, quota),
      ),
    );
    const passed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(passed).toHaveLength(3);
    expect(refused.map((r) => r.reason.rule)).toEqual(Array(5).fill('evidence_quota'));
    const stored = await server.ctx.store.db
      .selectFrom('after_sales_evidence')
      .select('size_bytes')
      .where('case_id', '=', b.caseId)
      .where('kind', '=', 'photo')
      .execute();
    expect(stored).toHaveLength(3);
    expect(stored.reduce((sum, row) => sum + Number(row.size_bytes), 0)).toBeLessThanOrEqual(quota);
    // A refused upload leaves no file behind.
    expect(files(b.caseId)).toHaveLength(3);
  });

  it('holds the quota when uploads race through two connections (two server processes on one database)', async () => {
    if (backend.name !== 'postgres') return; // SQLite: one writer per file, shown above through BEGIN IMMEDIATE
    const { c } = server.world;
    const other = openStore(server.ctx.store.url, { poolSize: 4 });
    try {
      const otherProcess = createContext(other, server.ctx.now);
      const used = (
        await server.ctx.store.db
          .selectFrom('after_sales_evidence')
          .innerJoin('after_sales_cases', 'after_sales_cases.id', 'after_sales_evidence.case_id')
          .select('size_bytes')
          .where('after_sales_cases.shop_id', '=', 'shop-c')
          .execute()
      ).reduce((sum, row) => sum + Number(row.size_bytes), 0);
      const photos = Array.from({ length: 10 }, (_, i) => Buffer.concat([PNG, Buffer.from(`race-${i}`)]));
      const quota = used + (PNG.length + 'race-0'.length) * 4;
      const results = await Promise.allSettled(
        photos.map((content, i) =>
          addPhotoEvidence(
            i % 2 === 0 ? server.ctx : otherProcess,
            c.caseId,
            { name: `race-${i}.png`, content },
            'test',
            root,
            quota,
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      const after = (
        await server.ctx.store.db
          .selectFrom('after_sales_evidence')
          .innerJoin('after_sales_cases', 'after_sales_cases.id', 'after_sales_evidence.case_id')
          .select('size_bytes')
          .where('after_sales_cases.shop_id', '=', 'shop-c')
          .execute()
      ).reduce((sum, row) => sum + Number(row.size_bytes), 0);
      expect(after).toBe(quota);
    } finally {
      await other.close();
    }
  });
});
