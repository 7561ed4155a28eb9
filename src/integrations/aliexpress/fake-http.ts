/**
 * HTTP plumbing of the fake: JSON answers, bodies (size-capped), and request parameters from the query string
 * and a form-encoded or multipart body, as the official SDKs send them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An answer given as text (e.g. an injected unreadable one), with its status and content type. */
export function sendText(res: ServerResponse, answer: { status: number; contentType: string; text: string }): void {
  res.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.text),
  });
  res.end(answer.text);
}

export function isCountRequest(body: unknown): body is { count: number; seed?: number } {
  return (
    !!body &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof (body as { count?: unknown }).count === 'number'
  );
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  return text.trim() ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * All request parameters: the query string, overlaid by a form-encoded or multipart body (the three forms the
 * official SDKs use). File parts of a multipart body are ignored, as they are not signed.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = new Map<string, string>(url.searchParams);
  if (req.method !== 'POST') return params;
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  } else if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (marker) for (const [name, value] of parseMultipartFields(body, marker.trim())) params.set(name, value);
  }
  return params;
}

/** Text fields of a multipart/form-data body. */
export function parseMultipartFields(body: Buffer, boundary: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const text = body.toString('latin1'); // byte-preserving; values are re-decoded as UTF-8 below
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name || /\bfilename=/i.test(disposition)) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    fields.push([name, Buffer.from(value, 'latin1').toString('utf8')]);
  }
  return fields;
}
