/**
 * Who signs in and where, from what the user typed: the one rule the setup screen
 * shows, the engine stores and the command line uses (manual setup as a phone does it,
 * OXtender for Business Mobility):
 *   - `mike@ox.io` gives user `mike`, domain `ox.io` (split at the last @);
 *   - `DOMAIN\mike` gives that domain; `\mike` (an empty domain) gives none: the bare
 *     name, for servers that want no domain;
 *   - a name with neither gets the default domain, `defaultcontext` (Open-Xchange);
 *   - a domain typed in its own field wins (the name loses its @part or DOMAIN\).
 * The User parameter and the HTTP Basic name are then `domain\user`, or `user` with no
 * domain (MS-ASHTTP 2.2.1.1.1.2.5; http.ts easUserName).
 */
export const DEFAULT_DOMAIN = 'defaultcontext';

export interface Login {
  readonly user: string;
  /** Absent: the bare user name is sent. */
  readonly domain?: string;
}

/** `defaultDomain` null: a name with neither @ nor \ is sent bare (the command line's choice). */
export function parseLogin(name: string, domainField?: string, defaultDomain: string | null = DEFAULT_DOMAIN): Login {
  const trimmed = name.trim();
  const typed = domainField?.trim() || undefined;
  const slash = trimmed.indexOf('\\');
  const bare = trimmed.slice(slash + 1);
  const at = bare.lastIndexOf('@');
  if (typed) return { user: at > 0 ? bare.slice(0, at) : bare, domain: typed };
  if (slash >= 0) return withDomain(bare, trimmed.slice(0, slash));
  if (at > 0) return withDomain(bare.slice(0, at), bare.slice(at + 1));
  return withDomain(bare, defaultDomain ?? '');
}

function withDomain(user: string, domain: string): Login {
  return domain ? { user, domain } : { user };
}

/** The server's base URL from a host name or URL and the SSL switch; a full URL keeps its scheme. */
export function serverUrl(server: string, ssl = true): string {
  const s = server.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(s) ? s : `${ssl ? 'https' : 'http'}://${s}`;
}
