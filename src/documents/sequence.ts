/**
 * One printable PDF made of pages shipby draws (pdfkit) and documents it was given as they are (a carrier's own
 * label PDF): pages are kept in the order they were added. Drawn pages in a row share one pdfkit document; a given
 * document closes it, and `finish` copies every part's pages into one file with pdf-lib. With nothing but drawn
 * pages the pdfkit document is returned unchanged (no copy).
 */
import { collect, newDocument, type Doc } from './pdf';

export class PdfSequence {
  private readonly parts: Buffer[] = [];
  private current: Doc | null = null;

  /** The document to draw the next pages on (pdfkit; each drawing adds its own pages). */
  drawing(): Doc {
    if (!this.current) this.current = newDocument([100, 100], 0);
    return this.current;
  }

  /** A whole PDF's pages, as they are, after what was drawn so far. */
  async append(pdf: Buffer): Promise<void> {
    await this.flush();
    this.parts.push(pdf);
  }

  private async flush(): Promise<void> {
    if (!this.current) return;
    const doc = this.current;
    this.current = null;
    // pdfkit cannot end a document without a page; an opened but unused drawing adds nothing.
    if (doc.bufferedPageRange().count === 0) return;
    this.parts.push(await collect(doc));
  }

  /** The pages so far as one PDF; with none, `empty` may draw what a sequence without pages shows. */
  async finish(empty?: (doc: Doc) => void): Promise<Buffer> {
    if (!this.parts.length && (!this.current || this.current.bufferedPageRange().count === 0)) {
      const doc = this.drawing();
      this.current = null;
      empty?.(doc);
      return collect(doc);
    }
    await this.flush();
    if (this.parts.length === 1) return this.parts[0]!;
    return mergePdfs(this.parts);
  }
}

/** The pages of every PDF, in order, in one document. A part that is not a readable PDF throws. */
async function mergePdfs(parts: readonly Buffer[]): Promise<Buffer> {
  // pdf-lib is loaded when documents are first merged (about 0.1 s; most processes never merge one).
  const { PDFDocument } = await import('pdf-lib');
  const out = await PDFDocument.create();
  out.setProducer('shipby');
  out.setCreator('shipby');
  for (const part of parts) {
    const source = await PDFDocument.load(part, { ignoreEncryption: true });
    for (const page of await out.copyPages(source, source.getPageIndices())) out.addPage(page);
  }
  return Buffer.from(await out.save());
}
