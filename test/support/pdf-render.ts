/**
 * Reading a rendered PDF back as a reader would: its text (pdftotext), its words' boxes (pdftotext -bbox), a page
 * as a grey image (pdftoppm, Debian poppler-utils), and the barcodes on that image (zbarimg, Debian zbar-tools;
 * `barcodeReader()` says whether it is installed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function tempFile(pdf: Buffer): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  return { dir, file };
}

export function pdfPages(pdf: Buffer): string[] {
  const { file } = tempFile(pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    .split('\f')
    .filter((p, i, all) => i < all.length - 1 || p.trim());
}

export interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** The words of one page (1-based) with their boxes in points. */
export function pdfWords(pdf: Buffer, page: number): Word[] {
  const { file } = tempFile(pdf);
  const html = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), file, '-'], {
    encoding: 'utf8',
  });
  const words: Word[] = [];
  for (const m of html.matchAll(
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    words.push({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]! });
  }
  return words;
}

export interface GreyImage {
  width: number;
  height: number;
  /** Pixels per point. */
  scale: number;
  /** 0 black … 255 white, row by row. */
  pixels: Uint8Array;
  png: string;
}

/** One page rendered to a grey image (PGM, read here) and to a PNG beside it (for the barcode reader and for eyes). */
export function renderPage(pdf: Buffer, page: number, dpi = 300): GreyImage {
  const { dir, file } = tempFile(pdf);
  const base = path.join(dir, 'page');
  execFileSync('pdftoppm', [
    '-r',
    String(dpi),
    '-gray',
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    base,
  ]);
  execFileSync('pdftoppm', [
    '-r',
    String(dpi),
    '-png',
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    file,
    base,
  ]);
  const bytes = fs.readFileSync(`${base}.pgm`);
  // Header: "P5\n<width> <height>\n<max>\n", then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return {
    width,
    height,
    scale: dpi / 72,
    pixels: bytes.subarray(header[0].length, header[0].length + width * height),
    png: `${base}.png`,
  };
}

export function barcodeReader(): boolean {
  return spawnSync('zbarimg', ['--version']).status === 0;
}

/** The Code 128 symbols zbarimg finds on the image, as their text. */
export function readBarcodes(image: GreyImage): string[] {
  const run = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Scode128.enable', image.png], {
    encoding: 'utf8',
  });
  return run.stdout.split('\n').filter(Boolean);
}

/** Dark pixels in the band of rows [top, bottom] (points) that lie outside every given word box. */
export function darkOutside(image: GreyImage, top: number, bottom: number, words: readonly Word[], slack = 1): number {
  let count = 0;
  for (let py = Math.floor(top * image.scale); py <= Math.ceil(bottom * image.scale) && py < image.height; py++) {
    for (let px = 0; px < image.width; px++) {
      if (image.pixels[py * image.width + px]! > 100) continue;
      const x = px / image.scale;
      const y = py / image.scale;
      if (!words.some((w) => x >= w.xMin - slack && x <= w.xMax + slack && y >= w.yMin - slack && y <= w.yMax + slack))
        count++;
    }
  }
  return count;
}
