/**
 * HTTP Basic authentication of the mock's users (MS-ASHTTP 2.2.1.1.2.1).
 */
import type { Mock } from './context.ts';
import type { User } from './model.ts';

/** The user of the request; "domain\user" and "user@domain" name the same user. */
export function authenticate(mock: Mock, request: Request): User | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '');
  if (!m) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1] ?? ''), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const login = decoded.slice(0, colon).replace(/^.*\\/, '').replace(/@.*$/, '').toLowerCase();
  const user = mock.world.users.get(login);
  return user && user.password === decoded.slice(colon + 1) ? user : undefined;
}

export function unauthorized(): Response {
  return new Response('Unauthorized', { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="eas-mock"' } });
}
