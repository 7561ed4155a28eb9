/**
 * What the label and the packing slip share: a pdfkit document collected into a Buffer, fonts that can write the
 * text (DejaVu Sans for Latin, Cyrillic and Greek addresses; Noto Sans CJK for Chinese, Japanese, Korean — each
 * used when installed, else the built-in Helvetica), and Code 128 barcodes drawn by bwip-js.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';

export const MM = 72 / 25.4; // points per millimetre

const LATIN_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'];
const LATIN_BOLD_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];
const CJK_FONTS: Array<{ file: string; family: string }> = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', family: 'NotoSansCJKsc-Bold' },
];

const found = (files: string[]) => files.find((f) => fs.existsSync(f));

/** Fonts resolved once per process. */
const FONTS = {
  regular: found(LATIN_FONTS),
  bold: found(LATIN_BOLD_FONTS),
  cjk: CJK_FONTS.find((f) => fs.existsSync(f.file)),
};

const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;

export function canWriteChinese(): boolean {
  return FONTS.cjk !== undefined;
}

export type Doc = PDFKit.PDFDocument;

export function newDocument(size: [number, number] | string, margin: number): Doc {
  const doc = new PDFDocument({ size, margin, autoFirstPage: false, info: { Producer: 'shipby', Creator: 'shipby' } });
  if (FONTS.regular) doc.registerFont('body', FONTS.regular);
  else doc.registerFont('body', 'Helvetica');
  if (FONTS.bold) doc.registerFont('bold', FONTS.bold);
  else doc.registerFont('bold', 'Helvetica-Bold');
  if (FONTS.cjk) doc.registerFont('cjk', FONTS.cjk.file, FONTS.cjk.family);
  return doc;
}

/** Picks a font that has the text's characters; without a CJK font, CJK characters become '?'. */
function useFont(doc: Doc, text: string, weight: 'body' | 'bold' = 'body'): string {
  if (CJK.test(text)) {
    if (FONTS.cjk) {
      doc.font('cjk');
      return text;
    }
    doc.font(weight);
    return text.replace(new RegExp(CJK.source, 'g'), '?');
  }
  doc.font(weight);
  if (!FONTS.regular) return text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?'); // Helvetica: Latin-1 only
  return text;
}

/** Writes text at (x, y) within `width`, choosing the font for it. */
export function write(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  options: { size: number; width: number; bold?: boolean; align?: 'left' | 'center' | 'right'; lineGap?: number },
): number {
  const shown = useFont(doc, text, options.bold ? 'bold' : 'body');
  doc.fontSize(options.size);
  doc.text(shown, x, y, { width: options.width, align: options.align ?? 'left', lineGap: options.lineGap ?? 0 });
  return doc.y;
}

/** The width of text on one line at a size, in points. */
export function textWidth(doc: Doc, text: string, size: number, bold = false): number {
  return doc.fontSize(size).widthOfString(useFont(doc, text, bold ? 'bold' : 'body'));
}

/** Writes text on one line at (x, y): the size shrinks (down to 6 pt) until it fits the width, never wrapping. */
export function fitOnOneLine(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  options: { size: number; width: number; bold?: boolean; align?: 'left' | 'center' | 'right' },
): number {
  const shown = useFont(doc, text, options.bold ? 'bold' : 'body');
  let size = options.size;
  while (size > 6 && doc.fontSize(size).widthOfString(shown) > options.width) size -= 0.5;
  const free = Math.max(0, options.width - doc.fontSize(size).widthOfString(shown));
  const left = options.align === 'right' ? x + free : options.align === 'center' ? x + free / 2 : x;
  doc.text(shown, left, y, { lineBreak: false });
  return y + doc.currentLineHeight(true);
}

/** A Code 128 barcode as PNG (bwip-js), drawn into the box (x, y, width, height). */
export async function code128(text: string): Promise<Buffer> {
  // bwip-js is loaded when a barcode is first drawn: most processes never draw one.
  const { default: bwipjs } = await import('bwip-js/node');
  return bwipjs.toBuffer({
    bcid: 'code128',
    text,
    scale: 3,
    height: 12,
    includetext: false,
    paddingwidth: 0,
    paddingheight: 0,
  });
}

export function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** A country's English name for addresses ("ES" → "Spain"), or the code when unknown. */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
