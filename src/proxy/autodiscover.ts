/**
 * Autodiscover through the proxy. The upstream answers with the EAS URL it knows
 * (its own address, or its public name), which a page served by the proxy cannot
 * reach: browsers send cross-origin requests only to servers that answer CORS, and
 * EAS servers do not. So the MobileSync `Url` and `Name` of the answer
 * (MS-ASCMD 2.2.1.1, response schema "mobilesync") are pointed at the proxy's own
 * endpoint, which forwards to the same upstream.
 */

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<Url>` or `<Name>` (any prefix, any case) whose text is an absolute URL of an EAS endpoint. */
const SERVER_URL = /(<(?:[\w.-]+:)?(Url|Name)(?:\s[^>]*)?>)([^<]*)(<\/(?:[\w.-]+:)?\2\s*>)/gi;
const EAS_URL = /^\s*https?:\/\/[^\s]*\/microsoft-server-activesync\/?\s*$/i;

/** The Autodiscover XML with every EAS endpoint URL replaced by `endpoint`. */
export function pointAutodiscoverAt(xml: string, endpoint: string): string {
  return xml.replace(SERVER_URL, (whole: string, open: string, _name: string, value: string, close: string) =>
    EAS_URL.test(value) ? `${open}${escapeXml(endpoint)}${close}` : whole,
  );
}

/** Autodiscover's JSON form (Exchange Online: `/autodiscover/autodiscover.json/v1.0/{email}?Protocol=ActiveSync`). */
export const AUTODISCOVER_JSON = /^\/autodiscover\/autodiscover\.json(\/|$)/i;

/**
 * The JSON answer `{"Protocol": "ActiveSync", "Url": "https://…/Microsoft-Server-ActiveSync"}`
 * with its EAS `Url` pointed at the proxy, as the POX answer's; anything else unchanged.
 */
export function pointAutodiscoverJsonAt(text: string, endpoint: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text;
  const url = (value as Record<string, unknown>)['Url'];
  if (typeof url !== 'string' || !EAS_URL.test(url)) return text;
  return JSON.stringify({ ...value, Url: endpoint });
}
