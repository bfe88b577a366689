/**
 * The probe's trace: every HTTP exchange as files a person can read and the
 * mock can replay (mocks/replay.ts).
 *
 * Exchange N of command C gives:
 * - `NNNN-C.json`: method, URL, HTTP status, request and response headers, time,
 *   and which body file holds what;
 * - `NNNN-C.request.<ext>` and `NNNN-C.response.<ext>`: the bodies. WBXML is
 *   written decoded, as XML (src/eas/wbxml.ts easToXml); other text (MIME,
 *   Autodiscover XML, an HTML error page) as it came; anything else as base64.
 *
 * Credentials never reach the files: Authorization and cookies are redacted.
 * Environment-free: this builds and reads file contents; the caller does the I/O.
 */
import type { EasCommandName } from '../eas/command.ts';
import type { EasExchange } from '../eas/http.ts';
import { looksLikeWbxml } from '../eas/response.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../eas/wbxml.ts';
import { fromBase64, toBase64 } from '../wbxml/base64.ts';

/** An exchange as EasClient reports it, or the probe's Autodiscover POST. */
export interface TraceExchange extends Omit<EasExchange, 'cmd'> {
  readonly cmd: EasCommandName | 'OPTIONS' | 'Autodiscover';
}

/**
 * How a body is stored: none (empty), wbxml (decoded to XML), text (UTF-8 as
 * is), binary (base64).
 */
export type BodyForm = 'none' | 'wbxml' | 'text' | 'binary';

export interface TraceBody {
  readonly form: BodyForm;
  /** File name of the body, absent for 'none'. */
  readonly file?: string;
}

/** The .json file of one exchange. */
export interface TraceMeta {
  readonly n: number;
  readonly cmd: TraceExchange['cmd'];
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  /** "name: value", one per header line, credentials redacted. */
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  readonly request: TraceBody;
  readonly response: TraceBody;
}

export interface TraceFile {
  readonly name: string;
  readonly content: string;
}

/** One exchange read back: the meta data and the body bytes as they went over the wire (WBXML re-encoded). */
export interface TraceEntry {
  readonly meta: TraceMeta;
  readonly requestBytes: Uint8Array;
  readonly responseBytes: Uint8Array;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Header list with credentials replaced by their scheme and "<redacted>". */
export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>): [string, string][] {
  return headers.map(([name, value]) => {
    if (!SECRET_HEADERS.has(name.toLowerCase())) return [name, value];
    const scheme = /^(Basic|Bearer)\s/i.exec(value)?.[1];
    return [name, scheme ? `${scheme} <redacted>` : '<redacted>'];
  });
}

function headerLines(headers: ReadonlyArray<readonly [string, string]>): string[] {
  return redactHeaders(headers).map(([name, value]) => `${name}: ${value}`);
}

/** A "name: value" line of a trace back to the pair (header names never contain a colon). */
export function headerPair(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line.trim(), ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/** `0007-Sync`: the common start of the exchange's file names. */
export function traceBaseName(n: number, cmd: string): string {
  return `${String(n).padStart(4, '0')}-${cmd}`;
}

/** The files for exchange number `n` (1-based). */
export function traceFiles(n: number, x: TraceExchange): TraceFile[] {
  const base = traceBaseName(n, x.cmd);
  const files: TraceFile[] = [];
  const body = (side: 'request' | 'response', bytes: Uint8Array, headers: TraceExchange['requestHeaders']): TraceBody => {
    const stored = storeBody(bytes, headerValue(headers, 'content-type'));
    if (stored.form === 'none') return { form: 'none' };
    const file = `${base}.${side}.${stored.ext}`;
    files.push({ name: file, content: stored.content });
    return { form: stored.form, file };
  };
  const meta: TraceMeta = {
    n,
    cmd: x.cmd,
    method: x.method,
    url: x.url,
    status: x.status,
    ms: Math.round(x.ms),
    requestHeaders: headerLines(x.requestHeaders),
    responseHeaders: headerLines(x.responseHeaders),
    request: body('request', x.requestBytes, x.requestHeaders),
    response: body('response', x.responseBytes, x.responseHeaders),
  };
  files.unshift({ name: `${base}.json`, content: `${JSON.stringify(meta, null, 1)}\n` });
  return files;
}

function headerValue(headers: TraceExchange['requestHeaders'], name: string): string {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function storeBody(bytes: Uint8Array, contentType: string): { form: BodyForm; ext: string; content: string } {
  if (bytes.length === 0) return { form: 'none', ext: '', content: '' };
  const wbxml = looksLikeWbxml(bytes);
  // A multipart ItemOperations answer starts with a part count, not WBXML; it stays binary.
  const xml = wbxml && !/multipart/i.test(contentType) ? attempt(() => easToXml(decodeEas(bytes))) : undefined;
  if (xml !== undefined) return { form: 'wbxml', ext: 'xml', content: xml };
  // WBXML that does not decode is kept as bytes, so a broken answer is replayed broken.
  const text = wbxml ? undefined : attempt(() => strictUtf8.decode(bytes));
  if (text !== undefined) return { form: 'text', ext: textExtension(contentType), content: text };
  return { form: 'binary', ext: 'b64', content: toBase64(bytes) };
}

function attempt(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function textExtension(contentType: string): string {
  if (/rfc822/i.test(contentType)) return 'eml';
  if (/xml/i.test(contentType)) return 'xml';
  if (/html/i.test(contentType)) return 'html';
  return 'txt';
}

// ------------------------------------------------------------------ reading a trace back

/**
 * Reads the exchanges of a trace from its files (name -> content), in number
 * order. Throws when a .json names a body file that is missing.
 */
export function readTrace(files: ReadonlyMap<string, string>): TraceEntry[] {
  const metas = [...files.keys()]
    .filter((name) => /^\d+-[A-Za-z]+\.json$/.test(name))
    .map((name) => JSON.parse(files.get(name) ?? '') as TraceMeta)
    .sort((a, b) => a.n - b.n);
  return metas.map((meta) => ({
    meta,
    requestBytes: bodyBytes(meta.request, files),
    responseBytes: bodyBytes(meta.response, files),
  }));
}

const utf8 = new TextEncoder();

function bodyBytes(body: TraceBody, files: ReadonlyMap<string, string>): Uint8Array {
  if (body.form === 'none' || !body.file) return new Uint8Array(0);
  const content = files.get(body.file);
  if (content === undefined) throw new Error(`trace file ${body.file} is missing`);
  if (body.form === 'wbxml') return encodeEas(easFromXml(content));
  if (body.form === 'binary') return fromBase64(content.trim());
  return utf8.encode(content);
}
