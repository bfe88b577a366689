/**
 * Autodiscover for ActiveSync (MS-ASCMD 2.2.1.1; URL discovery as in MS-OXDISCO).
 *
 * From an email address the client finds the EAS endpoint: it POSTs a small
 * "mobilesync" XML request to a few well-known URLs derived from the address's
 * domain, and the first Autodiscover server that answers says either "here is
 * the MobileSync URL", "ask again for this other address" (Redirect), or
 * "error". Unlike every other EAS exchange this one is plain XML, not WBXML.
 *
 * The XML reader here is deliberately small and forgiving: real responses vary
 * the namespace URIs' case, add prefixes and declarations, and Node has no
 * DOMParser. Elements are matched by local name, case-insensitively.
 */
import { EasProtocolError } from './command.ts';
import type { Transport } from './endpoint.ts';

export const MOBILESYNC_REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
export const MOBILESYNC_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

/** MS-ASCMD 2.2.1.1: no more than 10 redirections. */
export const MAX_REDIRECTS = 10;

// ------------------------------------------------------------------ request

/** The Autodiscover request body for an address (MS-ASCMD 2.2.1.1, request schema). */
export function buildAutodiscoverRequest(email: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${MOBILESYNC_REQUEST_SCHEMA}">`,
    '<Request>',
    `<EMailAddress>${escapeXml(email)}</EMailAddress>`,
    `<AcceptableResponseSchema>${MOBILESYNC_RESPONSE_SCHEMA}</AcceptableResponseSchema>`,
    '</Request>',
    '</Autodiscover>',
  ].join('\r\n');
}

export interface AutodiscoverCandidate {
  /** POST the request there, or GET to learn a redirect (no body, plain HTTP). */
  readonly method: 'POST' | 'GET';
  readonly url: string;
}

/**
 * Where to ask, in order (MS-OXDISCO 3.1.5.2 and 3.1.5.4): the domain itself,
 * the autodiscover host, then an HTTP GET on the autodiscover host whose 302
 * names the real Autodiscover URL. (DNS SRV lookups are out of reach of a browser.)
 */
export function autodiscoverCandidates(email: string): AutodiscoverCandidate[] {
  const domain = domainOf(email);
  return [
    { method: 'POST', url: `https://${domain}/autodiscover/autodiscover.xml` },
    { method: 'POST', url: `https://autodiscover.${domain}/autodiscover/autodiscover.xml` },
    { method: 'GET', url: `http://autodiscover.${domain}/autodiscover/autodiscover.xml` },
  ];
}

export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (at < 1 || !/^[a-z0-9.-]+$/.test(domain)) throw new RangeError(`not an email address: ${email}`);
  return domain;
}

// ------------------------------------------------------------------ response

export interface AutodiscoverServer {
  /** "MobileSync" for the EAS endpoint, "CertEnroll" for certificate enrollment. */
  readonly type: string;
  readonly url?: string;
  readonly name?: string;
  readonly serverData?: string;
}

export type AutodiscoverResult =
  | {
      readonly kind: 'settings';
      readonly culture?: string;
      readonly displayName?: string;
      readonly email?: string;
      readonly servers: readonly AutodiscoverServer[];
      /** Url (or Name) of the first MobileSync server. */
      readonly mobileSyncUrl?: string;
    }
  /** Action/Redirect (MS-ASCMD 2.2.3.147): ask again for this address, at its domain. */
  | { readonly kind: 'redirect'; readonly email: string }
  /**
   * Action/Error (MS-ASCMD 2.2.3.63; Status per 2.2.3.177.1: 1 success, 2 protocol error)
   * or the generic Response/Error (ErrorCode, e.g. 600 invalid request, 601 schema not supported).
   */
  | {
      readonly kind: 'error';
      readonly status?: number;
      readonly errorCode?: number;
      readonly message?: string;
      readonly debugData?: string;
    };

/** Reads an Autodiscover response body. Throws EasProtocolError when it is not one. */
export function parseAutodiscoverResponse(xml: string): AutodiscoverResult {
  const root = parseXmlLite(xml);
  if (!sameName(root.name, 'Autodiscover')) throw new EasProtocolError(`expected <Autodiscover>, got <${root.name}>`);
  const response = child(root, 'Response');
  if (!response) throw new EasProtocolError('Autodiscover response without Response');
  const action = child(response, 'Action');
  const redirect = textAt(action, 'Redirect');
  if (redirect) return { kind: 'redirect', email: redirect };
  const error = child(action, 'Error') ?? child(response, 'Error');
  if (error) return readError(error);
  return readSettings(response, child(action, 'Settings'));
}

function readError(e: XmlNode): AutodiscoverResult {
  return {
    kind: 'error',
    status: intOf(textAt(e, 'Status')),
    errorCode: intOf(textAt(e, 'ErrorCode')),
    message: textAt(e, 'Message'),
    debugData: textAt(e, 'DebugData'),
  };
}

function readSettings(response: XmlNode, settings: XmlNode | undefined): AutodiscoverResult {
  const servers = children(settings, 'Server').map(
    (s): AutodiscoverServer => ({
      type: textAt(s, 'Type') ?? '',
      url: textAt(s, 'Url') || undefined,
      name: textAt(s, 'Name') || undefined,
      serverData: textAt(s, 'ServerData'),
    }),
  );
  const mobileSync = servers.find((s) => sameName(s.type, 'MobileSync'));
  return {
    kind: 'settings',
    culture: textAt(response, 'Culture'),
    displayName: textAt(child(response, 'User'), 'DisplayName'),
    email: textAt(child(response, 'User'), 'EMailAddress'),
    servers,
    mobileSyncUrl: mobileSync?.url ?? mobileSync?.name,
  };
}

function intOf(text: string | undefined): number | undefined {
  const n = text ? Number(text) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

// ------------------------------------------------------------------ the whole process

export interface AutodiscoverOptions {
  readonly transport: Transport;
  /** Authorization header value for an address (Basic with the address as user, usually). */
  readonly authorization?: (email: string) => string | undefined;
  /**
   * Asked before following an HTTP redirect to another host (MS-OXDISCO 3.1.5.4
   * says to warn the user). Default: follow https redirects only.
   */
  readonly confirmRedirect?: (url: string) => boolean | Promise<boolean>;
  readonly signal?: AbortSignal;
}

/** One URL tried, and what came of it (for the setup screen and the inspector). */
export interface AutodiscoverAttempt {
  readonly method: 'POST' | 'GET';
  readonly url: string;
  /** HTTP status, 0 on network failure. */
  readonly status: number;
  readonly outcome: string;
}

export interface AutodiscoverSuccess {
  /** The EAS endpoint to use. */
  readonly url: string;
  /** The address the settings are for, after any Redirect. */
  readonly email: string;
  readonly displayName?: string;
  readonly servers: readonly AutodiscoverServer[];
  readonly attempts: readonly AutodiscoverAttempt[];
}

export class AutodiscoverError extends Error {
  override readonly name = 'AutodiscoverError';
  constructor(
    message: string,
    readonly attempts: readonly AutodiscoverAttempt[],
    /** The last Error answer from an Autodiscover server, if any. */
    readonly serverError?: Extract<AutodiscoverResult, { kind: 'error' }>,
  ) {
    super(message);
  }

  /** Some server refused the credentials (401) and none gave settings. */
  get unauthorized(): boolean {
    return this.attempts.some((a) => a.status === 401);
  }
}

type Step =
  | { readonly kind: 'result'; readonly result: AutodiscoverResult }
  | { readonly kind: 'http-redirect'; readonly url: string }
  | { readonly kind: 'failed' };

/**
 * Runs Autodiscover for an address: tries the candidates in order, follows
 * address redirects (Action/Redirect) and HTTP redirects, up to MAX_REDIRECTS
 * in all, and returns the MobileSync URL of the first server that gives one.
 */
export async function autodiscover(email: string, options: AutodiscoverOptions): Promise<AutodiscoverSuccess> {
  const attempts: AutodiscoverAttempt[] = [];
  const budget = { redirects: 0 };
  let address = email;
  for (;;) {
    const found = await tryCandidates(address, options, attempts, budget);
    if (found?.kind === 'settings' && found.mobileSyncUrl) {
      const { displayName, servers } = found;
      return { url: found.mobileSyncUrl, email: address, displayName, servers, attempts };
    }
    if (found?.kind !== 'redirect') {
      const serverError = found?.kind === 'error' ? found : undefined;
      throw new AutodiscoverError(`Autodiscover found no ActiveSync server for ${address}`, attempts, serverError);
    }
    spend(budget, attempts);
    address = found.email;
  }
}

/** The first useful answer among the candidates for one address. */
async function tryCandidates(
  address: string,
  options: AutodiscoverOptions,
  attempts: AutodiscoverAttempt[],
  budget: { redirects: number },
): Promise<AutodiscoverResult | undefined> {
  let lastError: AutodiscoverResult | undefined;
  for (const first of autodiscoverCandidates(address)) {
    let candidate: AutodiscoverCandidate = first;
    for (;;) {
      const step = await attempt(candidate, address, options, attempts);
      if (step.kind === 'failed') break;
      if (step.kind === 'result') {
        if (step.result.kind !== 'error') return step.result;
        lastError = step.result;
        break;
      }
      spend(budget, attempts);
      if (!(await allowed(step.url, options))) break;
      candidate = { method: 'POST', url: step.url };
    }
  }
  return lastError;
}

function spend(budget: { redirects: number }, attempts: readonly AutodiscoverAttempt[]): void {
  budget.redirects += 1;
  if (budget.redirects > MAX_REDIRECTS) throw new AutodiscoverError('too many Autodiscover redirects', attempts);
}

async function allowed(url: string, options: AutodiscoverOptions): Promise<boolean> {
  if (!url.toLowerCase().startsWith('https://')) return false; // never send credentials in clear
  return options.confirmRedirect ? options.confirmRedirect(url) : true;
}

/** One HTTP exchange with one candidate URL. */
async function attempt(
  candidate: AutodiscoverCandidate,
  address: string,
  options: AutodiscoverOptions,
  attempts: AutodiscoverAttempt[],
): Promise<Step> {
  const note = (status: number, outcome: string): void => {
    attempts.push({ method: candidate.method, url: candidate.url, status, outcome });
  };
  let res: Response;
  try {
    res = await options.transport(autodiscoverRequest(candidate, address, options));
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    note(0, `network failure: ${e instanceof Error ? e.message : String(e)}`);
    return { kind: 'failed' };
  }
  return readStep(res, candidate, note);
}

function autodiscoverRequest(candidate: AutodiscoverCandidate, address: string, options: AutodiscoverOptions): Request {
  const init: RequestInit = { method: candidate.method, redirect: 'manual', signal: options.signal };
  if (candidate.method === 'GET') return new Request(candidate.url, init); // no credentials over http
  const headers = new Headers({ 'Content-Type': 'text/xml; charset=utf-8' });
  const auth = options.authorization?.(address);
  if (auth) headers.set('Authorization', auth);
  return new Request(candidate.url, { ...init, headers, body: buildAutodiscoverRequest(address) });
}

async function readStep(res: Response, candidate: AutodiscoverCandidate, note: (status: number, outcome: string) => void): Promise<Step> {
  const location = res.headers.get('Location');
  if (res.status >= 300 && res.status < 400 && location) {
    const url = new URL(location, candidate.url).toString();
    note(res.status, `redirect to ${url}`);
    return { kind: 'http-redirect', url };
  }
  if (candidate.method === 'GET' || res.status !== 200) {
    note(res.status, res.type === 'opaqueredirect' ? 'redirect not visible' : `HTTP ${res.status}`);
    return { kind: 'failed' };
  }
  try {
    const result = parseAutodiscoverResponse(await res.text());
    note(res.status, result.kind === 'settings' ? 'settings' : result.kind);
    return { kind: 'result', result };
  } catch (e) {
    note(res.status, `not an Autodiscover response: ${e instanceof Error ? e.message : String(e)}`);
    return { kind: 'failed' };
  }
}

// ------------------------------------------------------------------ tiny XML reader

/** An element: local name (prefix dropped), attributes, element children, text. */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)/g;
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Parses enough XML for Autodiscover: elements, attributes, text, CDATA and
 * entities; skips declarations, comments and DOCTYPE. Forgiving: unclosed
 * elements close at the end, stray end tags are ignored. Returns the root element.
 */
export function parseXmlLite(xml: string): XmlNode {
  const top: XmlNode = { name: '', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [top];
  for (const m of xml.replace(/^\uFEFF/, '').matchAll(TOKEN)) {
    const current = stack[stack.length - 1] ?? top;
    const [, cdata, close, open, attrs, selfClose, text] = m;
    if (cdata !== undefined) current.text += cdata;
    else if (text !== undefined) current.text += decodeEntities(text);
    else if (close !== undefined) closeElement(stack, localName(close));
    else if (open !== undefined) {
      const node: XmlNode = { name: localName(open), attrs: readAttrs(attrs ?? ''), children: [], text: '' };
      current.children.push(node);
      if (!selfClose) stack.push(node);
    }
  }
  const root = top.children[0];
  if (!root) throw new EasProtocolError('not XML: no root element');
  return root;
}

function closeElement(stack: XmlNode[], name: string): void {
  for (let i = stack.length - 1; i > 0; i--) {
    if (sameName(stack[i]?.name ?? '', name)) {
      stack.length = i;
      return;
    }
  }
}

function readAttrs(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name, dq, sq] of source.matchAll(ATTR)) if (name) out[name] = decodeEntities(dq ?? sq ?? '');
  return out;
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** First child element with that local name (any case). */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => sameName(c.name, name));
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => sameName(c.name, name)) : [];
}

/** Trimmed text of the named child (white space is never significant here), or undefined when absent. */
export function textAt(node: XmlNode | undefined, name: string): string | undefined {
  return child(node, name)?.text.trim();
}
