/**
 * Just enough WebDAV (RFC 4918), CalDAV (RFC 4791) and CardDAV (RFC 6352) to reset, fill and
 * count SOGo's personal calendar and address book.
 */

export class DavError extends Error {}

export class Dav {
  private readonly auth: string;

  constructor(
    private readonly base: string,
    user: string,
    password: string,
  ) {
    this.auth = `Basic ${btoa(`${user}:${password}`)}`;
  }

  /** The member resources of a collection (PROPFIND Depth 1, RFC 4918 9.1), as paths. */
  async members(collection: string): Promise<string[]> {
    const body = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>';
    const xml = await this.send('PROPFIND', collection, body, { Depth: '1' }, 207);
    return hrefs(xml).filter((h) => h !== collection);
  }

  /** Resources of one component type (calendar-query REPORT, RFC 4791 7.8). */
  async componentsOf(collection: string, component: 'VEVENT' | 'VTODO'): Promise<string[]> {
    const body =
      '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">' +
      `<C:comp-filter name="${component}"/></C:comp-filter></C:filter></C:calendar-query>`;
    const xml = await this.send('REPORT', collection, body, { Depth: '1' }, 207);
    return hrefs(xml).filter((h) => h !== collection);
  }

  async put(path: string, contentType: string, body: string): Promise<void> {
    await this.send('PUT', path, body, { 'Content-Type': contentType }, 201, 204);
  }

  async remove(path: string): Promise<void> {
    await this.send('DELETE', path, undefined, {}, 204, 200, 404);
  }

  private async send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
    ...expected: number[]
  ): Promise<string> {
    const all: Record<string, string> = { Authorization: this.auth, ...headers };
    if (body !== undefined) all['Content-Type'] ??= 'application/xml; charset=utf-8';
    const response = await fetchRetrying(new URL(path, this.base), { method, headers: all, body: body ?? null });
    const text = await response.text();
    if (!expected.includes(response.status)) {
      throw new DavError(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    }
    return text;
  }
}

/**
 * sogod closes its connection after every response without sending `Connection: close`, so
 * fetch may reuse a pooled socket that is already closed and fail ("other side closed",
 * ECONNRESET) before the request reaches SOGo. PROPFIND, REPORT, PUT and DELETE are idempotent
 * (RFC 9110 9.2.2, RFC 4918): one more try on a fresh connection is safe.
 */
async function fetchRetrying(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // fetch reports network failures as TypeError
    return fetch(url, init);
  }
}

/** Distinct <href> values of a multistatus (SOGo repeats each href inside its prop). */
function hrefs(xml: string): string[] {
  const found = new Set<string>();
  for (const m of xml.matchAll(/<(?:[\w-]+:)?href>([^<]+)<\/(?:[\w-]+:)?href>/g)) {
    if (m[1]) found.add(m[1]);
  }
  return [...found];
}
