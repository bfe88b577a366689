/**
 * The user-name rule the phone setup uses (OXtender for Business Mobility), shown
 * live on the setup screen:
 *   - a domain typed in the Domain field wins (the user name loses any @part);
 *   - `DOMAIN\user` gives that domain;
 *   - `mike@ox.io` gives user `mike`, domain `ox.io`;
 *   - a name without @ gets the domain `defaultcontext`.
 * The EAS User parameter and HTTP Basic name are then `domain\user` (MS-ASHTTP 2.2.1.1.1.2.5).
 */
export const DEFAULT_DOMAIN = 'defaultcontext';

export interface EasUser {
  readonly user: string;
  readonly domain: string;
}

export function splitUserName(userName: string, domainField = ''): EasUser {
  const name = userName.trim();
  const typedDomain = domainField.trim();
  const backslash = name.indexOf('\\');
  if (backslash > 0 && !typedDomain) return { domain: name.slice(0, backslash), user: name.slice(backslash + 1) };
  const bare = backslash >= 0 ? name.slice(backslash + 1) : name;
  const at = bare.lastIndexOf('@');
  if (typedDomain) return { user: at > 0 ? bare.slice(0, at) : bare, domain: typedDomain };
  if (at > 0) return { user: bare.slice(0, at), domain: bare.slice(at + 1) };
  return { user: bare, domain: DEFAULT_DOMAIN };
}

/** `https://host` from what the user typed and the SSL switch; a full URL keeps its scheme. */
export function serverUrl(server: string, ssl: boolean): string {
  const s = server.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(s)) return s;
  return `${ssl ? 'https' : 'http'}://${s}`;
}

export function looksLikeEmail(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());
}
