/** Multipart ItemOperations responses (MS-ASCMD 2.2.1.10.1.1). */
import type { El } from '../wbxml/tree.ts';
import { EasProtocolError } from './command.ts';
import { MULTIPART_CONTENT_TYPE, WBXML_CONTENT_TYPE } from './endpoint.ts';
import { decodeResponseBody } from './response.ts';

/**
 * Splits a multipart ItemOperations body (MS-ASCMD 2.2.1.10.1.1): PartsCount,
 * then an (offset, length) pair per part, offsets counted from the start of the
 * body, all 32-bit little-endian. Part 0 is the WBXML response; an ItemOperations
 * Part element N refers to parts[N].
 */
export function parseMultipart(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length >= 4 ? view.getInt32(0, true) : -1;
  if (count < 1 || 4 + count * 8 > bytes.length) {
    throw new EasProtocolError('malformed multipart response header', 'ItemOperations');
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const offset = view.getInt32(4 + i * 8, true);
    const length = view.getInt32(8 + i * 8, true);
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new EasProtocolError(`multipart part ${i} lies outside the body`, 'ItemOperations');
    }
    parts.push(bytes.subarray(offset, offset + length));
  }
  return parts;
}

export function isMultipart(contentType: string | null | undefined): boolean {
  return (contentType ?? '').toLowerCase().includes(MULTIPART_CONTENT_TYPE);
}

/**
 * Reads a response from `sendRaw`: multipart (parts[0] decoded as the tree) or
 * inline (the server may answer inline even when multipart was asked for).
 */
export async function readMultipart(res: Response): Promise<{ root: El | null; parts: Uint8Array[] }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('Content-Type') ?? undefined;
  if (!isMultipart(contentType)) return { root: decodeResponseBody(bytes, contentType), parts: [bytes] };
  const parts = parseMultipart(bytes);
  return { root: decodeResponseBody(parts[0] ?? new Uint8Array(0), WBXML_CONTENT_TYPE), parts };
}
