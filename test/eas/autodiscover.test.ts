import { describe, expect, it } from 'vitest';
import {
  AutodiscoverError,
  MOBILESYNC_REQUEST_SCHEMA,
  MOBILESYNC_RESPONSE_SCHEMA,
  autodiscover,
  autodiscoverCandidates,
  buildAutodiscoverRequest,
  child,
  parseAutodiscoverResponse,
  parseXmlLite,
  textAt,
} from '../../src/eas/autodiscover.ts';
import { basicAuthorization, type Transport } from '../../src/eas/endpoint.ts';

// Shaped like the MS-ASCMD 4.2 examples, with the namespace case some servers use.
const SETTINGS = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/MobileSync/responseschema/2006">
    <Culture>en:us</Culture>
    <User>
      <DisplayName>Chris Gray</DisplayName>
      <EMailAddress>chris@woodgrovebank.com</EMailAddress>
    </User>
    <Action>
      <Settings>
        <Server>
          <Type>MobileSync</Type>
          <Url>https://loandept.woodgrovebank.com/Microsoft-Server-ActiveSync</Url>
          <Name>https://loandept.woodgrovebank.com/Microsoft-Server-ActiveSync</Name>
        </Server>
        <Server>
          <Type>CertEnroll</Type>
          <Url>https://cert.woodgrovebank.com/CertEnroll</Url>
          <Name />
          <ServerData>CertEnrollTemplate</ServerData>
        </Server>
      </Settings>
    </Action>
  </Response>
</Autodiscover>`;

const REDIRECT = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">
    <Culture>en:us</Culture>
    <User><EMailAddress>chris@woodgrovebank.com</EMailAddress></User>
    <Action><Redirect>chris@loandept.woodgrovebank.com</Redirect></Action>
  </Response>
</Autodiscover>`;

const ACTION_ERROR = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">
    <Culture>en:us</Culture>
    <User><EMailAddress>chris@woodgrovebank.com</EMailAddress></User>
    <Action>
      <Error>
        <Status>2</Status>
        <Message>The directory service could not be reached</Message>
        <DebugData>MailUser</DebugData>
      </Error>
    </Action>
  </Response>
</Autodiscover>`;

const GENERIC_ERROR = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response>
    <Error Time="16:56:32.6164027" Id="1054084152">
      <ErrorCode>600</ErrorCode>
      <Message>Invalid Request</Message>
      <DebugData />
    </Error>
  </Response>
</Autodiscover>`;

const EAS_URL = 'https://loandept.woodgrovebank.com/Microsoft-Server-ActiveSync';

describe('Autodiscover request', () => {
  it('asks for the mobilesync response schema for the address', () => {
    const xml = buildAutodiscoverRequest('chris@woodgrovebank.com');
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const root = parseXmlLite(xml);
    expect(root.name).toBe('Autodiscover');
    expect(root.attrs['xmlns']).toBe(MOBILESYNC_REQUEST_SCHEMA);
    const request = child(root, 'Request');
    expect(textAt(request, 'EMailAddress')).toBe('chris@woodgrovebank.com');
    expect(textAt(request, 'AcceptableResponseSchema')).toBe(MOBILESYNC_RESPONSE_SCHEMA);
  });

  it('escapes markup in the address', () => {
    const xml = buildAutodiscoverRequest('a<b>&"c"@x.com');
    expect(textAt(child(parseXmlLite(xml), 'Request'), 'EMailAddress')).toBe('a<b>&"c"@x.com');
    expect(xml).not.toContain('a<b>');
  });

  it('tries the domain, the autodiscover host, then the HTTP GET redirect', () => {
    expect(autodiscoverCandidates('Chris@WoodgroveBank.com')).toEqual([
      { method: 'POST', url: 'https://woodgrovebank.com/autodiscover/autodiscover.xml' },
      { method: 'POST', url: 'https://autodiscover.woodgrovebank.com/autodiscover/autodiscover.xml' },
      { method: 'GET', url: 'http://autodiscover.woodgrovebank.com/autodiscover/autodiscover.xml' },
    ]);
    expect(() => autodiscoverCandidates('no-at-sign')).toThrow(RangeError);
    expect(() => autodiscoverCandidates('x@bad/host')).toThrow(RangeError);
  });
});

describe('Autodiscover response', () => {
  it('reads user, culture and servers, and picks the MobileSync URL', () => {
    expect(parseAutodiscoverResponse(SETTINGS)).toEqual({
      kind: 'settings',
      culture: 'en:us',
      displayName: 'Chris Gray',
      email: 'chris@woodgrovebank.com',
      servers: [
        { type: 'MobileSync', url: EAS_URL, name: EAS_URL, serverData: undefined },
        { type: 'CertEnroll', url: 'https://cert.woodgrovebank.com/CertEnroll', name: undefined, serverData: 'CertEnrollTemplate' },
      ],
      mobileSyncUrl: EAS_URL,
    });
  });

  it('reads prefixed elements in any case', () => {
    const xml = `<a:autodiscover xmlns:a="x"><r:RESPONSE xmlns:r="y"><r:action><r:settings><r:server>
      <r:type>mobilesync</r:type><r:name>${EAS_URL}</r:name></r:server></r:settings></r:action></r:RESPONSE></a:autodiscover>`;
    expect(parseAutodiscoverResponse(xml)).toMatchObject({ kind: 'settings', mobileSyncUrl: EAS_URL });
  });

  it('reads an address redirect', () => {
    expect(parseAutodiscoverResponse(REDIRECT)).toEqual({ kind: 'redirect', email: 'chris@loandept.woodgrovebank.com' });
  });

  it('reads an Action error and a generic Response error', () => {
    expect(parseAutodiscoverResponse(ACTION_ERROR)).toEqual({
      kind: 'error',
      status: 2,
      errorCode: undefined,
      message: 'The directory service could not be reached',
      debugData: 'MailUser',
    });
    expect(parseAutodiscoverResponse(GENERIC_ERROR)).toEqual({
      kind: 'error',
      status: undefined,
      errorCode: 600,
      message: 'Invalid Request',
      debugData: '',
    });
  });

  it('rejects what is not an Autodiscover response', () => {
    expect(() => parseAutodiscoverResponse('<html><body>Not found</body></html>')).toThrow(/expected <Autodiscover>/);
    expect(() => parseAutodiscoverResponse('just text')).toThrow(/no root element/);
    expect(() => parseAutodiscoverResponse('<Autodiscover/>')).toThrow(/without Response/);
  });
});

describe('parseXmlLite', () => {
  it('handles entities, CDATA, comments, attributes and self-closing tags', () => {
    const root = parseXmlLite(`\uFEFF<?xml version="1.0"?><!DOCTYPE x><!-- c --><x a='1' b="&lt;2&gt;">
      <y>&amp;&#65;&#x42;&quot;&unknown;</y><z/><w><![CDATA[<raw> & ]]></w></x>`);
    expect(root.attrs).toEqual({ a: '1', b: '<2>' });
    expect(textAt(root, 'y')).toBe('&AB"&unknown;');
    expect(child(root, 'z')?.children).toEqual([]);
    expect(textAt(root, 'w')).toBe('<raw> &');
  });

  it('tolerates unclosed elements and stray end tags', () => {
    const root = parseXmlLite('<a><b>one</c><d>two</a>');
    expect(textAt(root, 'b')).toBe('one');
    expect(textAt(child(root, 'b'), 'd')).toBe('two');
  });
});

describe('autodiscover()', () => {
  type Route = (req: Request) => Response | Promise<Response>;

  function server(routes: Record<string, Route>): Transport & { seen: Request[] } {
    const seen: Request[] = [];
    const t = async (req: Request): Promise<Response> => {
      seen.push(req);
      const route = routes[`${req.method} ${req.url}`];
      if (!route) throw new TypeError(`getaddrinfo ENOTFOUND ${new URL(req.url).host}`);
      return route(req);
    };
    return Object.assign(t, { seen });
  }

  const xml =
    (body: string): Route =>
    () =>
      new Response(body, { status: 200, headers: { 'Content-Type': 'text/xml' } });
  const auth = (email: string): string => basicAuthorization(email, 'pw');

  it('follows an address redirect to the new domain and returns the MobileSync URL', async () => {
    const t = server({
      'POST https://autodiscover.woodgrovebank.com/autodiscover/autodiscover.xml': xml(REDIRECT),
      'POST https://loandept.woodgrovebank.com/autodiscover/autodiscover.xml': () => new Response('no', { status: 404 }),
      'POST https://autodiscover.loandept.woodgrovebank.com/autodiscover/autodiscover.xml': xml(SETTINGS),
    });
    const got = await autodiscover('chris@woodgrovebank.com', { transport: t, authorization: auth });
    expect(got.url).toBe(EAS_URL);
    expect(got.email).toBe('chris@loandept.woodgrovebank.com');
    expect(got.displayName).toBe('Chris Gray');
    expect(got.attempts.map((a) => `${a.status} ${a.outcome}`)).toEqual([
      '0 network failure: getaddrinfo ENOTFOUND woodgrovebank.com',
      '200 redirect',
      '404 HTTP 404',
      '200 settings',
    ]);
    const last = t.seen[t.seen.length - 1] as Request;
    expect(last.headers.get('Authorization')).toBe(auth('chris@loandept.woodgrovebank.com'));
    expect(last.headers.get('Content-Type')).toBe('text/xml; charset=utf-8');
    expect(await last.text()).toContain('<EMailAddress>chris@loandept.woodgrovebank.com</EMailAddress>');
  });

  it('learns the Autodiscover URL from the HTTP GET redirect, sending no credentials over http', async () => {
    const target = 'https://mail.contoso.net/autodiscover/autodiscover.xml';
    const t = server({
      'GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml': () =>
        new Response(null, { status: 302, headers: { Location: target } }),
      [`POST ${target}`]: xml(SETTINGS),
    });
    const confirmed: string[] = [];
    const got = await autodiscover('joe@contoso.com', {
      transport: t,
      authorization: auth,
      confirmRedirect: (url) => (confirmed.push(url), true),
    });
    expect(got.url).toBe(EAS_URL);
    expect(confirmed).toEqual([target]);
    const get = t.seen.find((r) => r.method === 'GET') as Request;
    expect(get.headers.has('Authorization')).toBe(false);
  });

  it('does not follow a redirect to plain http, nor one the user declines', async () => {
    const routes = (location: string): Transport =>
      server({
        'GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml': () =>
          new Response(null, { status: 302, headers: { Location: location } }),
        'POST https://evil.example/autodiscover/autodiscover.xml': xml(SETTINGS),
        'POST http://evil.example/autodiscover/autodiscover.xml': xml(SETTINGS),
      });
    await expect(
      autodiscover('joe@contoso.com', { transport: routes('http://evil.example/autodiscover/autodiscover.xml') }),
    ).rejects.toBeInstanceOf(AutodiscoverError);
    await expect(
      autodiscover('joe@contoso.com', {
        transport: routes('https://evil.example/autodiscover/autodiscover.xml'),
        confirmRedirect: () => false,
      }),
    ).rejects.toBeInstanceOf(AutodiscoverError);
  });

  it('gives up after 10 redirects', async () => {
    const loop = `<Autodiscover><Response><Action><Redirect>joe@contoso.com</Redirect></Action></Response></Autodiscover>`;
    const t = server({ 'POST https://contoso.com/autodiscover/autodiscover.xml': xml(loop) });
    const e = await autodiscover('joe@contoso.com', { transport: t }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AutodiscoverError);
    expect((e as Error).message).toMatch(/too many/);
    expect(t.seen).toHaveLength(11);
  });

  it('reports refused credentials and the server error when nothing works', async () => {
    const t = server({
      'POST https://contoso.com/autodiscover/autodiscover.xml': () => new Response(null, { status: 401 }),
      'POST https://autodiscover.contoso.com/autodiscover/autodiscover.xml': xml(ACTION_ERROR),
      'GET http://autodiscover.contoso.com/autodiscover/autodiscover.xml': () => new Response('<html/>', { status: 200 }),
    });
    const e = (await autodiscover('joe@contoso.com', { transport: t }).catch((x: unknown) => x)) as AutodiscoverError;
    expect(e).toBeInstanceOf(AutodiscoverError);
    expect(e.unauthorized).toBe(true);
    expect(e.serverError).toMatchObject({ status: 2, debugData: 'MailUser' });
    expect(e.attempts.map((a) => a.status)).toEqual([401, 200, 200]);
  });
});
