/**
 * Autodiscover, POX form for mobile sync (MS-ASCMD 2.2.1.1): the client posts its
 * address, the server answers with the EAS URL. Also Exchange Online's JSON form,
 * `GET /autodiscover/autodiscover.json/v1.0/{email}?Protocol=ActiveSync`, which asks for no
 * credentials and answers `{"Protocol": "ActiveSync", "Url": "…"}`.
 */
import type { Mock } from './context.ts';
import { userByEmail } from './model.ts';
import type { Door } from './server.ts';
import { escapeHtml } from './wire.ts';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const MOBILESYNC_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

function xml(body: string): Response {
  return new Response(`<?xml version="1.0" encoding="utf-8"?>\n${body}`, {
    status: 200,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  });
}

/** The AutodiscoverResponse.xsd error branch (ErrorCode 600: invalid request). */
function error(message: string): Response {
  return xml(
    `<Autodiscover xmlns="${RESPONSE_NS}"><Response><Error Time="00:00:00" Id="1"><ErrorCode>600</ErrorCode>` +
      `<Message>${escapeHtml(message)}</Message><DebugData /></Error></Response></Autodiscover>`,
  );
}

export async function autodiscover(mock: Mock, door: Door, request: Request, url: URL): Promise<Response> {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } });
  const me = await door.user(request);
  if (!me) return door.challenge();
  const text = await request.text();
  const address = /<EMailAddress>\s*([^<\s]+)\s*<\/EMailAddress>/i.exec(text)?.[1];
  if (!address) return error('Invalid Request');
  const user = userByEmail(mock.world, address);
  if (!user) return error(`No mailbox for ${address}`);
  const eas = `${url.origin}/Microsoft-Server-ActiveSync`;
  return xml(
    `<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${MOBILESYNC_NS}">` +
      '<Culture>en:us</Culture>' +
      `<User><DisplayName>${escapeHtml(user.displayName)}</DisplayName><EMailAddress>${escapeHtml(user.email)}</EMailAddress></User>` +
      `<Action><Settings><Server><Type>MobileSync</Type><Url>${escapeHtml(eas)}</Url><Name>${escapeHtml(eas)}</Name></Server></Settings></Action>` +
      '</Response></Autodiscover>',
  );
}

function jsonAnswer(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The JSON form: the EAS URL for a known address and Protocol=ActiveSync; 400 or 404 with an ErrorCode otherwise. */
export function autodiscoverJson(mock: Mock, request: Request, url: URL): Response {
  if (request.method !== 'GET') return new Response(null, { status: 405, headers: { Allow: 'GET' } });
  const m = /\/autodiscover\/autodiscover\.json\/v1\.0\/([^/]+)$/i.exec(url.pathname);
  const protocol = [...url.searchParams].find(([k]) => k.toLowerCase() === 'protocol')?.[1] ?? '';
  if (protocol.toLowerCase() !== 'activesync') {
    return jsonAnswer(400, {
      ErrorCode: 'InvalidProtocol',
      ErrorMessage: `The given protocol value '${protocol}' is invalid. Supported values are 'ActiveSync'.`,
    });
  }
  const user = m?.[1] ? userByEmail(mock.world, decoded(m[1])) : undefined;
  if (!user) return jsonAnswer(404, { ErrorCode: 'UserNotFound', ErrorMessage: 'No mailbox for this address.' });
  return jsonAnswer(200, { Protocol: 'ActiveSync', Url: `${url.origin}/Microsoft-Server-ActiveSync` });
}
