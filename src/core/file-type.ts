/**
 * What a file's first bytes say it is (issue 19, finding 10): an evidence upload named `.jpg` must be a JPEG, so a
 * page or a script renamed to a picture is refused before it is stored. Magic numbers from each format's
 * specification: JPEG SOI marker, PNG signature, RIFF/WEBP, GIF87a/89a, the ISO-BMFF `ftyp` box with a HEIF brand,
 * and PDF's `%PDF-` header.
 */
import { setting } from './config';
export type EvidenceType = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'pdf';

export const EVIDENCE_EXTENSIONS: Record<string, EvidenceType> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.gif': 'gif',
  '.heic': 'heic',
  '.pdf': 'pdf',
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The evidence type the bytes are, or undefined when they are none of them. */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b))
    return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(bytes, 8, 12))) return 'heic';
  if (bytes.length >= 5 && ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  return undefined;
}

/** Whether a file's bytes are what its extension says (an unknown extension never is). */
export function contentMatchesExtension(extension: string, bytes: Uint8Array): boolean {
  const expected = EVIDENCE_EXTENSIONS[extension.toLowerCase()];
  return expected !== undefined && sniffEvidenceType(bytes) === expected;
}

/** Evidence a shop may keep in all, bytes (SHIPBY_EVIDENCE_QUOTA_MB, default 500 MB). */
export function evidenceQuotaBytes(env: Record<string, string | undefined>): number {
  return Math.round(setting(env, 'SHIPBY_EVIDENCE_QUOTA_MB') * 1024 * 1024);
}
