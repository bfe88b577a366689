import { describe, expect, it } from 'vitest';
import type { EasRequest } from '../../src/eas/command.ts';
import { EasClient, type EasExchange } from '../../src/eas/http.ts';
import { EasHttpError, EasNetworkError, EasNotWbxmlError, EasRedirectError, EasRetryLaterError } from '../../src/eas/response.ts';
import { buildHttpRequest, buildOptionsRequest, encodeBody } from '../../src/eas/request.ts';
import { decodeBase64Query, encodeBase64Query } from '../../src/eas/query.ts';
import { endpointUrl, type EasAccountConfig, type Transport } from '../../src/eas/endpoint.ts';
import { negotiateVersion, parseServerOptions } from '../../src/eas/options.ts';
import { parseMultipart, readMultipart } from '../../src/eas/multipart.ts';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { el } from '../../src/wbxml/tree.ts';

const config: EasAccountConfig = {
  url: 'https://mail.contoso.com',
  user: 'joe',
  domain: 'CONTOSO',
  credentials: { kind: 'password', password: 'secret' },
  deviceId: 'v140Device',
  deviceType: 'SmartPhone',
  userAgent: 'eas-pwa/0.1',
  version: '14.1',
  policyKey: '2034202722',
};

const folderSync: EasRequest = {
  cmd: 'FolderSync',
  body: el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0')),
};

const ENDPOINT = 'https://mail.contoso.com/Microsoft-Server-ActiveSync';

function build(req: EasRequest, cfg: EasAccountConfig = config, opts = {}): Request {
  return buildHttpRequest(cfg, req, encodeBody(req), opts);
}

function queryOf(r: Request): string {
  return new URL(r.url).search.slice(1);
}

/** A transport answering every request with `respond`, recording what it got. */
function fake(respond: (req: Request) => Response | Promise<Response>): Transport & { seen: Request[] } {
  const seen: Request[] = [];
  const t = async (req: Request): Promise<Response> => {
    seen.push(req);
    return respond(req);
  };
  return Object.assign(t, { seen });
}

function wbxmlResponse(bytes: Uint8Array, headers: Record<string, string> = {}): Response {
  return new Response(bytes.slice(), { status: 200, headers: { 'Content-Type': 'application/vnd.ms-sync.wbxml', ...headers } });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('endpoint URL and credentials', () => {
  it('appends the EAS path once, whatever the case and trailing slashes', () => {
    expect(endpointUrl('https://mail.contoso.com')).toBe(ENDPOINT);
    expect(endpointUrl('https://mail.contoso.com/')).toBe(ENDPOINT);
    expect(endpointUrl('https://mail.contoso.com/microsoft-server-activesync/')).toBe(
      'https://mail.contoso.com/microsoft-server-activesync',
    );
    expect(endpointUrl(ENDPOINT)).toBe(ENDPOINT);
  });

  it('builds Basic credentials from the UTF-8 bytes of domain\\user:password', () => {
    const r = build(folderSync, { ...config, user: 'jörg', credentials: { kind: 'password', password: 'pässwörd' } });
    const expected = Buffer.from('CONTOSO\\jörg:pässwörd', 'utf8').toString('base64');
    expect(r.headers.get('Authorization')).toBe(`Basic ${expected}`);
  });

  it('omits the domain when none is set, and sends a Bearer token as is', () => {
    const noDomain = build(folderSync, { ...config, domain: undefined });
    expect(noDomain.headers.get('Authorization')).toBe(`Basic ${Buffer.from('joe:secret').toString('base64')}`);
    expect(queryOf(noDomain)).toContain('User=joe&');
    const bearer = build(folderSync, { ...config, credentials: { kind: 'bearer', token: 'eyJ0.abc' } });
    expect(bearer.headers.get('Authorization')).toBe('Bearer eyJ0.abc');
  });
});

describe('plain query requests (MS-ASHTTP 2.2.1.1.1.2)', () => {
  it('POSTs Cmd, User, DeviceId, DeviceType with version, policy key and WBXML headers', async () => {
    const r = build(folderSync);
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`${ENDPOINT}?Cmd=FolderSync&User=CONTOSO%5Cjoe&DeviceId=v140Device&DeviceType=SmartPhone`);
    expect(r.headers.get('MS-ASProtocolVersion')).toBe('14.1');
    expect(r.headers.get('X-MS-PolicyKey')).toBe('2034202722');
    expect(r.headers.get('Content-Type')).toBe('application/vnd.ms-sync.wbxml');
    expect(r.headers.get('User-Agent')).toBe('eas-pwa/0.1');
    expect(r.headers.has('MS-ASAcceptMultiPart')).toBe(false);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(encodeEas(folderSync.body as never));
  });

  it('appends command parameters and sends raw MIME as message/rfc822', async () => {
    const mime = new TextEncoder().encode('Subject: hi\r\n\r\nbody');
    const r = build({ cmd: 'SendMail', body: { mime }, params: { SaveInSent: 'T' } });
    expect(queryOf(r)).toBe('Cmd=SendMail&User=CONTOSO%5Cjoe&DeviceId=v140Device&DeviceType=SmartPhone&SaveInSent=T');
    expect(r.headers.get('Content-Type')).toBe('message/rfc822');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(mime);
  });

  it('sends no X-MS-PolicyKey before provisioning, no Content-Type without a body', () => {
    const r = build({ cmd: 'Ping' }, { ...config, policyKey: undefined });
    expect(r.headers.has('X-MS-PolicyKey')).toBe(false);
    expect(r.headers.has('Content-Type')).toBe(false);
    expect(r.body).toBeNull();
  });

  it('asks for multipart with MS-ASAcceptMultiPart: T', () => {
    const r = build({ cmd: 'ItemOperations', body: el('ItemOperations', 'ItemOperations') }, config, { acceptMultiPart: true });
    expect(r.headers.get('MS-ASAcceptMultiPart')).toBe('T');
  });
});

describe('base64 query (MS-ASHTTP 2.2.1.1.1.1)', () => {
  // The spec's example: "/Microsoft-Server-ActiveSync?jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l"
  const SPEC_EXAMPLE = 'jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l';

  it('encodes the spec example byte for byte', () => {
    const q = encodeBase64Query({
      version: '14.0',
      cmd: 'Sync',
      locale: 0x0409,
      deviceId: 'v140Device',
      deviceType: 'SmartPhone',
      params: {},
    });
    expect(q).toBe(SPEC_EXAMPLE);
    // 0x8C = 140, command 0 (Sync), locale 09 04, id length 10, policy key length 0, type length 10
    expect([...Buffer.from(q, 'base64').subarray(0, 6)]).toEqual([0x8c, 0x00, 0x09, 0x04, 0x0a, 0x76]);
  });

  it('decodes the spec example', () => {
    expect(decodeBase64Query(SPEC_EXAMPLE)).toEqual({
      version: '14.0',
      cmd: 'Sync',
      locale: 0x0409,
      deviceId: 'v140Device',
      policyKey: undefined,
      deviceType: 'SmartPhone',
      params: {},
      options: undefined,
    });
  });

  it('lays out policy key, parameters and options as tag/length/value', () => {
    const q = encodeBase64Query({
      version: '16.1',
      cmd: 'SmartReply',
      locale: 0x0407,
      deviceId: 'D1',
      policyKey: 0x01020304,
      deviceType: 'T',
      params: { CollectionId: '5', ItemId: '5:1' },
      options: 0x01,
    });
    expect([...Buffer.from(q, 'base64')]).toEqual([
      161,
      3,
      0x07,
      0x04, // version 16.1, SmartReply, de-DE
      2,
      0x44,
      0x31, // "D1"
      4,
      0x04,
      0x03,
      0x02,
      0x01, // policy key, little-endian
      1,
      0x54, // "T"
      1,
      1,
      0x35, // CollectionId "5"
      3,
      3,
      0x35,
      0x3a,
      0x31, // ItemId "5:1"
      7,
      1,
      0x01, // Options: SaveInSent
    ]);
  });

  it('is used by the client request, with version, policy key and multipart inside the query', () => {
    const r = build(
      { cmd: 'SmartForward', body: el('ComposeMail', 'SmartForward'), params: { ItemId: '7:3', CollectionId: '7', SaveInSent: 'T' } },
      config,
      { queryForm: 'base64', acceptMultiPart: true },
    );
    expect(r.url.startsWith(`${ENDPOINT}?`)).toBe(true);
    expect(decodeBase64Query(queryOf(r))).toEqual({
      version: '14.1',
      cmd: 'SmartForward',
      locale: 0x0409,
      deviceId: 'v140Device',
      policyKey: 2034202722,
      deviceType: 'SmartPhone',
      params: { CollectionId: '7', ItemId: '7:3', User: 'CONTOSO\\joe' },
      options: 0x03,
    });
    // MS-ASHTTP 2.2.1.1.2.5/.6/.8: these headers SHOULD NOT accompany the base64 form
    expect(r.headers.has('MS-ASProtocolVersion')).toBe(false);
    expect(r.headers.has('X-MS-PolicyKey')).toBe(false);
    expect(r.headers.has('MS-ASAcceptMultiPart')).toBe(false);
    expect(r.headers.get('Authorization')).toMatch(/^Basic /);
  });

  it('falls back to the plain query when the base64 form cannot carry the request', () => {
    const b64 = { queryForm: 'base64' } as const;
    const plain = (r: Request): boolean => queryOf(r).startsWith('Cmd=');
    expect(plain(build(folderSync, { ...config, version: '12.0' }, b64))).toBe(true);
    expect(plain(build(folderSync, { ...config, version: '12.1' }, b64))).toBe(false);
    expect(plain(build({ cmd: 'Find', body: el('Find', 'Find') }, config, b64))).toBe(true);
    expect(plain(build({ ...folderSync, params: { Unknown: 'x' } }, config, b64))).toBe(true);
    expect(plain(build(folderSync, { ...config, policyKey: 'not-a-number' }, b64))).toBe(true);
    expect(plain(build(folderSync, { ...config, deviceId: 'x'.repeat(256) }, b64))).toBe(true);
  });
});

describe('OPTIONS (MS-ASHTTP 2.2.3, 2.2.4)', () => {
  it('builds an OPTIONS request on the endpoint with credentials', () => {
    const r = buildOptionsRequest(config);
    expect(r.method).toBe('OPTIONS');
    expect(r.url).toBe(ENDPOINT);
    expect(r.headers.get('Authorization')).toMatch(/^Basic /);
  });

  it('sends no Authorization at all with credentials of kind none (a vault proxy adds it)', () => {
    const none: EasAccountConfig = { ...config, credentials: { kind: 'none' } };
    expect(buildOptionsRequest(none).headers.has('Authorization')).toBe(false);
    const post = build(folderSync, none);
    expect(post.headers.has('Authorization')).toBe(false);
    expect(post.headers.get('MS-ASProtocolVersion')).toBe('14.1');
    expect(build(folderSync, none, { queryForm: 'base64' }).headers.has('Authorization')).toBe(false);
  });

  it('reads versions, commands and server version, with repeated headers joined by Headers', () => {
    const h = new Headers();
    h.append('MS-Server-ActiveSync', '15.1');
    h.append('MS-ASProtocolVersions', '2.0,2.1,2.5,12.0');
    h.append('MS-ASProtocolVersions', '12.1,14.0,14.1,16.0,16.1');
    h.append('MS-ASProtocolCommands', 'Sync,SendMail, SmartForward,  FolderSync');
    h.append('MS-ASProtocolCommands', 'Find');
    expect(parseServerOptions(h)).toEqual({
      versions: ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'],
      otherVersions: ['2.0', '2.1'],
      commands: ['Sync', 'SendMail', 'SmartForward', 'FolderSync', 'Find'],
      serverVersion: '15.1',
    });
  });

  it('accepts a raw list of header lines in which a header repeats', () => {
    const lines: [string, string][] = [
      ['ms-asprotocolversions', '12.1, 14.0'],
      ['MS-ASProtocolVersions', '14.1'],
      ['MS-ASPROTOCOLVERSIONS', '14.0'],
    ];
    const o = parseServerOptions(lines);
    expect(o.versions).toEqual(['12.1', '14.0', '14.1']);
    expect(o.commands).toEqual([]);
    expect(o.serverVersion).toBeUndefined();
  });

  it('is sent by the client, which returns the parsed options', async () => {
    const t = fake(
      () =>
        new Response(null, {
          status: 200,
          headers: { 'MS-ASProtocolVersions': '14.0,14.1,16.0', 'MS-ASProtocolCommands': 'Sync,Ping' },
        }),
    );
    const o = await new EasClient(config, t).options();
    expect(t.seen[0]?.method).toBe('OPTIONS');
    expect(o.versions).toEqual(['14.0', '14.1', '16.0']);
    expect(o.commands).toEqual(['Sync', 'Ping']);
  });
});

describe('negotiateVersion', () => {
  it('picks the highest version both speak', () => {
    expect(negotiateVersion(['2.5', '12.0', '12.1', '14.0', '14.1'])).toBe('14.1');
    expect(negotiateVersion(['14.1', '16.1', '16.0'])).toBe('16.1');
    expect(negotiateVersion(['12.1', '14.0'], ['14.1', '12.1'])).toBe('12.1');
  });

  it('uses 2.5 and 12.0 only when the client lists them', () => {
    expect(negotiateVersion(['2.5', '12.0'])).toBeUndefined();
    expect(negotiateVersion(['2.5', '12.0'], ['14.1', '12.0', '2.5'])).toBe('12.0');
    expect(negotiateVersion(['2.0', '2.1'])).toBeUndefined();
  });
});

describe('responses and HTTP errors', () => {
  const send = (respond: () => Response, opts = {}): Promise<unknown> => new EasClient(config, fake(respond), opts).send(folderSync);

  it('decodes a WBXML body and returns null for an empty one', async () => {
    const tree = el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'Status', '1'));
    expect(await send(() => wbxmlResponse(encodeEas(tree)))).toEqual(tree);
    expect(await send(() => new Response(null, { status: 200 }))).toBeNull();
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [449, 'needs-provisioning'],
    [456, 'blocked'],
    [457, 'password-expired'],
    [500, 'server'],
    [507, 'server'],
    [400, 'client'],
    [404, 'client'],
  ])('maps HTTP %i to %s', async (status, kind) => {
    const e = await failure(send(() => new Response('<html>x</html>', { status })));
    expect(e).toBeInstanceOf(EasHttpError);
    expect(e).toMatchObject({ kind, status });
  });

  it('reads the 451 redirect target from X-MS-Location', async () => {
    const location = 'https://mail2.contoso.com/Microsoft-Server-ActiveSync';
    const e = await failure(send(() => new Response(null, { status: 451, headers: { 'X-MS-Location': location } })));
    expect(e).toBeInstanceOf(EasRedirectError);
    expect(e).toMatchObject({ kind: 'redirect', location });
    const bare = await failure(send(() => new Response(null, { status: 451 })));
    expect(bare).toMatchObject({ kind: 'redirect', location: undefined });
  });

  it('turns Retry-After seconds or an HTTP date into milliseconds on 503', async () => {
    const now = Date.parse('2024-03-01T10:00:00Z');
    const secs = await failure(send(() => new Response(null, { status: 503, headers: { 'Retry-After': '120' } })));
    expect(secs).toBeInstanceOf(EasRetryLaterError);
    expect(secs).toMatchObject({ kind: 'retry-later', status: 503, retryAfterMs: 120_000 });
    const date = await failure(
      send(() => new Response(null, { status: 503, headers: { 'Retry-After': 'Fri, 01 Mar 2024 10:00:30 GMT' } }), { now: () => now }),
    );
    expect(date).toMatchObject({ retryAfterMs: 30_000 });
    const none = await failure(send(() => new Response(null, { status: 503 })));
    expect(none).toMatchObject({ kind: 'retry-later', retryAfterMs: undefined });
  });

  it('rejects a 200 that is not WBXML, e.g. a login page', async () => {
    const page = '<!DOCTYPE html><html><body>Sign in</body></html>';
    const e = await failure(send(() => new Response(page, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } })));
    expect(e).toBeInstanceOf(EasNotWbxmlError);
    expect(e).toMatchObject({ kind: 'not-wbxml', contentType: 'text/html; charset=utf-8' });
    expect((e as EasNotWbxmlError).preview).toContain('Sign in');
  });

  it('wraps a transport failure as a network error, but lets an abort through', async () => {
    const cause = new TypeError('fetch failed');
    const e = await failure(new EasClient(config, () => Promise.reject(cause)).send(folderSync));
    expect(e).toBeInstanceOf(EasNetworkError);
    expect(e).toMatchObject({ kind: 'network', status: 0, cause });
    const abort = new DOMException('aborted', 'AbortError');
    expect(await failure(new EasClient(config, () => Promise.reject(abort)).send(folderSync))).toBe(abort);
  });

  it('gives up at the abort even when the transport ignores the signal', async () => {
    const hang = new EasClient(config, () => new Promise<Response>(() => undefined));
    const stop = new AbortController();
    const reason = new Error('stopped');
    const sent = hang.send(folderSync, { signal: stop.signal });
    stop.abort(reason);
    expect(await failure(sent)).toBe(reason);
  });

  it('leaves no unhandled rejection when the signal was already aborted and the transport rejects too', async () => {
    const unhandled: unknown[] = [];
    const note = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      const stop = new AbortController();
      stop.abort(new Error('stopped'));
      const rejecting = new EasClient(config, async (r) => {
        throw r.signal.reason;
      });
      expect(await failure(rejecting.send(folderSync, { signal: stop.signal }))).toBe(stop.signal.reason);
      await new Promise((done) => setTimeout(done, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });
});

describe('EasClient', () => {
  it('uses updated policy key, version and URL on later requests', async () => {
    const t = fake(() => new Response(null, { status: 200 }));
    const client = new EasClient({ ...config, policyKey: undefined }, t);
    await client.send(folderSync);
    client.policyKey = '42';
    client.version = '16.1';
    client.url = 'https://mail2.contoso.com/Microsoft-Server-ActiveSync';
    await client.send(folderSync);
    expect(t.seen[0]?.headers.has('X-MS-PolicyKey')).toBe(false);
    expect(t.seen[1]?.headers.get('X-MS-PolicyKey')).toBe('42');
    expect(t.seen[1]?.headers.get('MS-ASProtocolVersion')).toBe('16.1');
    expect(t.seen[1]?.url.startsWith('https://mail2.contoso.com/Microsoft-Server-ActiveSync?Cmd=FolderSync')).toBe(true);
  });

  it('uses the base64 query when configured', async () => {
    const t = fake(() => new Response(null, { status: 200 }));
    await new EasClient(config, t, { queryForm: 'base64', locale: 0x040c }).send(folderSync);
    const q = decodeBase64Query(queryOf(t.seen[0] as Request));
    expect(q).toMatchObject({ cmd: 'FolderSync', locale: 0x040c, version: '14.1' });
  });

  it('reports every exchange, including failures, to onExchange', async () => {
    const seen: EasExchange[] = [];
    let clock = 1000;
    const now = (): number => (clock += 5);
    const reply = encodeEas(el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'Status', '1')));
    const ok = new EasClient(
      config,
      fake(() => wbxmlResponse(reply)),
      { onExchange: (x) => seen.push(x), now },
    );
    await ok.send(folderSync);
    const x = seen[0] as EasExchange;
    expect(x).toMatchObject({ cmd: 'FolderSync', method: 'POST', status: 200, ms: 5 });
    expect(x.requestBytes).toEqual(encodeEas(folderSync.body as never));
    expect(x.responseBytes).toEqual(reply);
    expect(x.requestHeaders).toContainEqual(['ms-asprotocolversion', '14.1']);
    const bad = new EasClient(
      config,
      fake(() => new Response(null, { status: 401 })),
      { onExchange: (e) => seen.push(e) },
    );
    await failure(bad.send(folderSync));
    const down = new EasClient(config, () => Promise.reject(new TypeError('down')), { onExchange: (e) => seen.push(e) });
    await failure(down.send(folderSync));
    expect(seen.map((e) => e.status)).toEqual([200, 401, 0]);
  });
});

describe('multipart ItemOperations responses (MS-ASCMD 2.2.1.10.1.1)', () => {
  const root = el('ItemOperations', 'ItemOperations', el('ItemOperations', 'Status', '1'));

  /** PartsCount, (offset, length) per part, then the parts; all int32 little-endian. */
  function multipart(parts: Uint8Array[]): Uint8Array {
    const header = 4 + parts.length * 8;
    const total = header + parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setInt32(0, parts.length, true);
    let offset = header;
    parts.forEach((p, i) => {
      view.setInt32(4 + i * 8, offset, true);
      view.setInt32(8 + i * 8, p.length, true);
      out.set(p, offset);
      offset += p.length;
    });
    return out;
  }

  it('splits the body by the offset/length table', () => {
    const a = encodeEas(root);
    const b = new Uint8Array([1, 2, 3]);
    const c = new TextEncoder().encode('%PDF-1.7');
    const parts = parseMultipart(multipart([a, b, c]));
    expect(parts).toEqual([a, b, c]);
  });

  it('rejects a truncated table or a part outside the body', () => {
    expect(() => parseMultipart(new Uint8Array([2, 0, 0, 0, 12, 0, 0, 0]))).toThrow(/malformed/);
    expect(() => parseMultipart(new Uint8Array([0, 0, 0, 0]))).toThrow(/malformed/);
    const bad = multipart([new Uint8Array([1, 2])]);
    new DataView(bad.buffer).setInt32(8, 50, true);
    expect(() => parseMultipart(bad)).toThrow(/outside/);
  });

  it('comes back through sendRaw and readMultipart, with part 0 decoded', async () => {
    const data = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const body = multipart([encodeEas(root), data]);
    const t = fake(() => new Response(body.slice(), { status: 200, headers: { 'Content-Type': 'application/vnd.ms-sync.multipart' } }));
    const client = new EasClient(config, t);
    const req: EasRequest = { cmd: 'ItemOperations', body: el('ItemOperations', 'ItemOperations') };
    const got = await readMultipart(await client.sendRaw(req, { acceptMultiPart: true }));
    expect(t.seen[0]?.headers.get('MS-ASAcceptMultiPart')).toBe('T');
    expect(got.root).toEqual(root);
    expect(got.parts[1]).toEqual(data);
    expect(await client.send(req)).toEqual(root); // send keeps the WBXML part
  });

  it('reads an inline answer when the server ignores the multipart request', async () => {
    const t = fake(() => wbxmlResponse(encodeEas(root)));
    const got = await readMultipart(await new EasClient(config, t).sendRaw({ cmd: 'ItemOperations' }));
    expect(got.root).toEqual(root);
    expect(got.parts).toHaveLength(1);
  });
});

describe('network failures', () => {
  it('name the socket-level reason that fetch hides in its cause', () => {
    const socket = new Error('other side closed');
    const fetchError = new TypeError('fetch failed', { cause: socket });
    expect(new EasNetworkError(fetchError).message).toBe('network failure: fetch failed: other side closed');
  });
});

describe('network failures: did the answer begin?', () => {
  it('a transport that rejects (a closed socket before any byte): answered is false', async () => {
    const t = fake(() =>
      Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })),
    );
    const e = await failure(new EasClient(config, t).send({ cmd: 'FolderSync' }));
    expect(e).toBeInstanceOf(EasNetworkError);
    expect((e as EasNetworkError).answered).toBe(false);
  });

  it('a body that breaks off after the status line: answered is true', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([3, 1]));
        c.error(new TypeError('terminated'));
      },
    });
    const t = fake(() => new Response(body, { status: 200, headers: { 'Content-Type': 'application/vnd.ms-sync.wbxml' } }));
    const e = await failure(new EasClient(config, t).send({ cmd: 'FolderSync' }));
    expect(e).toBeInstanceOf(EasNetworkError);
    expect((e as EasNetworkError).answered).toBe(true);
  });
});
