/**
 * Autodiscover, POX form for mobile sync (MS-ASCMD 2.2.1.1): the client posts its
 * address, the server answers with the EAS URL.
 */
import type { Mock } from './context.ts';
import { userByEmail } from './model.ts';
import { authenticate, unauthorized } from './auth.ts';
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
  return xml(`<Autodiscover xmlns="${RESPONSE_NS}"><Response><Error Time="00:00:00" Id="1"><ErrorCode>600</ErrorCode>` +
    `<Message>${escapeHtml(message)}</Message><DebugData /></Error></Response></Autodiscover>`);
}

export async function autodiscover(mock: Mock, request: Request, url: URL): Promise<Response> {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } });
  const me = authenticate(mock, request);
  if (!me) return unauthorized();
  const text = await request.text();
  const address = /<EMailAddress>\s*([^<\s]+)\s*<\/EMailAddress>/i.exec(text)?.[1];
  if (!address) return error('Invalid Request');
  const user = userByEmail(mock.world, address);
  if (!user) return error(`No mailbox for ${address}`);
  const eas = `${url.origin}/Microsoft-Server-ActiveSync`;
  return xml(`<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${MOBILESYNC_NS}">` +
    '<Culture>en:us</Culture>' +
    `<User><DisplayName>${escapeHtml(user.displayName)}</DisplayName><EMailAddress>${escapeHtml(user.email)}</EMailAddress></User>` +
    `<Action><Settings><Server><Type>MobileSync</Type><Url>${escapeHtml(eas)}</Url><Name>${escapeHtml(eas)}</Name></Server></Settings></Action>` +
    '</Response></Autodiscover>');
}
