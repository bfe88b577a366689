/** The HTTP request of one EAS command (MS-ASHTTP 2.2.1.1), and of OPTIONS (2.2.3). */
import type { EasRequest } from './command.ts';
import { authorizedHeaders, endpointUrl, MIME_CONTENT_TYPE, WBXML_CONTENT_TYPE, type EasAccountConfig } from './endpoint.ts';
import { base64QueryFor, plainQuery } from './query.ts';
import { encodeEas } from './wbxml.ts';

export type QueryForm = 'plain' | 'base64';

export interface RequestOptions {
  /** Query form; base64 falls back to plain when the request cannot use it. Default plain. */
  readonly queryForm?: QueryForm;
  /** Locale of the base64 query. Default 0x0409. */
  readonly locale?: number;
  /** Ask for a multipart ItemOperations response (MS-ASHTTP 2.2.1.1.2.5). */
  readonly acceptMultiPart?: boolean;
  readonly signal?: AbortSignal;
}

/** The encoded body and its Content-Type header (MS-ASHTTP 2.2.1.1.2). */
export function encodeBody(req: EasRequest): { bytes: Uint8Array; contentType: string } | undefined {
  if (!req.body) return undefined;
  if ('mime' in req.body) return { bytes: req.body.mime, contentType: MIME_CONTENT_TYPE };
  return { bytes: encodeEas(req.body), contentType: WBXML_CONTENT_TYPE };
}

/** The POST for one command (MS-ASHTTP 2.2.1.1), with the body already encoded. */
export function buildHttpRequest(
  config: EasAccountConfig,
  req: EasRequest,
  body: { bytes: Uint8Array; contentType: string } | undefined,
  opts: RequestOptions = {},
): Request {
  const multi = opts.acceptMultiPart === true;
  const b64 = opts.queryForm === 'base64' ? base64QueryFor(config, req, opts.locale ?? 0x0409, multi) : undefined;
  const headers = authorizedHeaders(config);
  if (b64 === undefined) {
    // These three travel inside the base64 query instead (MS-ASHTTP 2.2.1.1.2.5, .6, .8).
    headers.set('MS-ASProtocolVersion', config.version);
    if (config.policyKey !== undefined) headers.set('X-MS-PolicyKey', config.policyKey);
    if (multi) headers.set('MS-ASAcceptMultiPart', 'T');
  }
  if (config.userAgent) headers.set('User-Agent', config.userAgent);
  if (body) headers.set('Content-Type', body.contentType);
  const url = `${endpointUrl(config.url)}?${b64 ?? plainQuery(config, req)}`;
  return new Request(url, { method: 'POST', headers, body: body?.bytes.slice(), signal: opts.signal });
}

/** HTTP OPTIONS on the endpoint (MS-ASHTTP 2.2.3). */
export function buildOptionsRequest(config: EasAccountConfig, signal?: AbortSignal): Request {
  const headers = authorizedHeaders(config);
  if (config.userAgent) headers.set('User-Agent', config.userAgent);
  return new Request(endpointUrl(config.url), { method: 'OPTIONS', headers, signal });
}
