/**
 * The HTTP transport of EAS (MS-ASHTTP).
 *
 * Every command is an HTTP POST to `<server>/Microsoft-Server-ActiveSync` with
 * the command, user and device in the query (plain text, or a base64-encoded
 * binary form), a few headers, and a WBXML body. The server answers 200 with a
 * WBXML body (or an empty one for Sync/Ping/SendMail "nothing to say"), or an
 * HTTP error that says what to do next: authenticate, provision, go elsewhere,
 * wait. HTTP OPTIONS lists the versions and commands the server speaks.
 *
 * The network is injected (`Transport`), so this module runs unchanged in a
 * browser (fetch), a worker, Node, or a test with a fake server.
 */
// The parts: endpoint.ts (account, URL, Authorization), query.ts (the two query
// forms), request.ts (building requests), options.ts (OPTIONS), response.ts (HTTP
// errors, the WBXML body), multipart.ts (multipart ItemOperations); the client is here.
import type { El } from '../wbxml/tree.ts';
import type { EasVersion } from './version.ts';
import type { EasCommandName, EasRequest } from './command.ts';
import { WBXML_CONTENT_TYPE, type EasAccountConfig, type Transport } from './endpoint.ts';
import { isMultipart, parseMultipart } from './multipart.ts';
import { parseServerOptions, type ServerOptions } from './options.ts';
import { buildHttpRequest, buildOptionsRequest, encodeBody, type QueryForm } from './request.ts';
import { decodeResponseBody, EasNetworkError, errorForStatus } from './response.ts';

/** One request/response, reported to `onExchange` (for the protocol inspector). */
export interface EasExchange {
  readonly cmd: EasCommandName | 'OPTIONS';
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly requestBytes: Uint8Array;
  /** HTTP status; 0 when the transport failed. */
  readonly status: number;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly responseBytes: Uint8Array;
  readonly ms: number;
}

export interface EasClientOptions {
  readonly queryForm?: QueryForm;
  readonly locale?: number;
  readonly onExchange?: (exchange: EasExchange) => void;
  /** Clock for timings and Retry-After dates; default Date.now. */
  readonly now?: () => number;
}

export interface SendOptions {
  readonly acceptMultiPart?: boolean;
  readonly signal?: AbortSignal;
}

interface Received {
  readonly headers: Headers;
  readonly bytes: Uint8Array;
  readonly status: number;
}

export class EasClient {
  private cfg: EasAccountConfig;

  constructor(
    config: EasAccountConfig,
    private readonly transport: Transport,
    private readonly opts: EasClientOptions = {},
  ) {
    this.cfg = { ...config };
  }

  get config(): EasAccountConfig {
    return this.cfg;
  }

  get version(): EasVersion {
    return this.cfg.version;
  }

  set version(version: EasVersion) {
    this.cfg = { ...this.cfg, version };
  }

  get policyKey(): string | undefined {
    return this.cfg.policyKey;
  }

  /** Set after Provision; undefined to send none. */
  set policyKey(policyKey: string | undefined) {
    this.cfg = { ...this.cfg, policyKey };
  }

  get url(): string {
    return this.cfg.url;
  }

  /** E.g. the X-MS-Location of a 451. */
  set url(url: string) {
    this.cfg = { ...this.cfg, url };
  }

  /** HTTP OPTIONS: versions and commands the server supports (MS-ASHTTP 2.2.3, 2.2.4). */
  async options(signal?: AbortSignal): Promise<ServerOptions> {
    const got = await this.exchange('OPTIONS', buildOptionsRequest(this.cfg, signal), new Uint8Array(0));
    return parseServerOptions(got.headers);
  }

  /**
   * Sends a command and decodes the answer: null for an empty body. A multipart
   * answer yields its WBXML part only; use sendRaw + readMultipart for the rest.
   */
  async send(req: EasRequest, options: SendOptions = {}): Promise<El | null> {
    const got = await this.post(req, options);
    const contentType = got.headers.get('Content-Type') ?? undefined;
    if (!isMultipart(contentType)) return decodeResponseBody(got.bytes, contentType);
    return decodeResponseBody(parseMultipart(got.bytes)[0] ?? new Uint8Array(0), WBXML_CONTENT_TYPE);
  }

  /** Sends a command and returns the (successful) response unread, e.g. for readMultipart. */
  async sendRaw(req: EasRequest, options: SendOptions = {}): Promise<Response> {
    const got = await this.post(req, options);
    return new Response(got.bytes.length ? got.bytes.slice() : null, { status: got.status, headers: got.headers });
  }

  private post(req: EasRequest, options: SendOptions): Promise<Received> {
    const body = encodeBody(req);
    const request = buildHttpRequest(this.cfg, req, body, {
      queryForm: this.opts.queryForm,
      locale: this.opts.locale,
      ...options,
    });
    return this.exchange(req.cmd, request, body?.bytes ?? new Uint8Array(0));
  }

  private async exchange(cmd: EasExchange['cmd'], request: Request, requestBytes: Uint8Array): Promise<Received> {
    const now = this.opts.now ?? Date.now;
    const started = now();
    const report = (status: number, headers: Headers, responseBytes: Uint8Array): void =>
      this.opts.onExchange?.({
        cmd,
        method: request.method,
        url: request.url,
        requestHeaders: [...request.headers],
        requestBytes,
        status,
        responseHeaders: [...headers],
        responseBytes,
        ms: now() - started,
      });
    let res: Response | undefined;
    let bytes: Uint8Array;
    try {
      res = await abortable(this.transport(request), request.signal);
      bytes = new Uint8Array(await abortable(res.arrayBuffer(), request.signal));
    } catch (e) {
      if (request.signal.aborted) throw request.signal.reason ?? e;
      if (isAbort(e)) throw e;
      report(0, new Headers(), new Uint8Array(0));
      throw new EasNetworkError(e, res !== undefined);
    }
    report(res.status, res.headers, bytes);
    const error = errorForStatus(res.status, res.headers, now());
    if (error) throw error;
    return { headers: res.headers, bytes, status: res.status };
  }
}

/**
 * `work`, or the signal's reason as soon as it aborts: a transport that ignores the
 * signal (an in-process server, a test double) cannot hold the caller past its abort.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // The work has started: its own rejection (often the same abort) is settled here, never left unhandled.
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      work.catch(() => undefined);
      reject(signal.reason);
      return;
    }
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The caller cancelled (AbortSignal): not a network failure, pass it through. */
function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
