/**
 * Issue 19, finding 10 (evidence): the bytes of an upload must be what its extension says, and a shop's evidence
 * stays within its quota; a refused file leaves nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPhotoEvidence } from '../../src/app/after-sales';
import { contentMatchesExtension, sniffEvidenceType } from '../../src/core/file-type';
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

  const files = (caseId: number) => (fs.existsSync(path.join(root, 'evidence', String(caseId))) ? fs.readdirSync(path.join(root, 'evidence', String(caseId))) : []);

  it('answers 400 naming the field when the content is not what the name says, and stores nothing', async () => {
    const response = await server.app.inject({ method: 'POST', url: `/cases/${server.world.a.caseId}/evidence`, headers: server.boss.headers, payload: { file_name: 'receipt.jpg', content_base64: HTML.toString('base64') } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues[0].path).toBe('content_base64');
    const photos = await server.ctx.store.db.selectFrom('after_sales_evidence').select('id').where('case_id', '=', server.world.a.caseId).where('kind', '=', 'photo').execute();
    expect(photos).toEqual([]);
  });

  it("keeps a shop's evidence within its quota, and another shop has its own", async () => {
    const { a, c } = server.world;
    const quota = PNG.length + JPEG.length + 4;
    await addPhotoEvidence(server.ctx, a.caseId, { name: 'label.png', content: PNG }, 'test', root, quota);
    await addPhotoEvidence(server.ctx, a.caseId, { name: 'box.jpg', content: JPEG }, 'test', root, quota);
    await expect(addPhotoEvidence(server.ctx, a.caseId, { name: 'scan.pdf', content: PDF }, 'test', root, quota)).rejects.toMatchObject({ rule: 'evidence_quota' });
    expect(files(a.caseId)).toHaveLength(2);
    // Shop C's quota is its own.
    await addPhotoEvidence(server.ctx, c.caseId, { name: 'scan.pdf', content: PDF }, 'test', root, quota);
    expect(files(c.caseId)).toHaveLength(1);
  });
});
