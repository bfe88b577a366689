/**
 * Bearer sign-in like Exchange Online's (MS-ASHTTP 2.2.1.1.2.1 names the Authorization header;
 * RFC 6750 the Bearer scheme): an access token is a JWT signed by a key of the issuer's JWKS,
 * found through its discovery document (OIDC Discovery 4), with the configured audience, not
 * expired, and the scope among its `scp` (Entra ID) or `scope` (RFC 9068 2.2.3) values.
 * `jose` is imported on first use, so the browser demo never runs it.
 */
import type { Mock } from './context.ts';
import type { User } from './model.ts';
import { userByEmail } from './model.ts';

export interface BearerOptions {
  /** The issuer; its metadata is read from `issuer/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The `aud` the token must carry. */
  readonly audience: string;
  /** A scope the token must carry, when given. */
  readonly scope?: string;
}

type Verify = (token: string) => Promise<Record<string, unknown>>;

/** The claims naming the mailbox, in the order they are looked at. */
const USER_CLAIMS = ['upn', 'preferred_username', 'email'] as const;

/** A token checker for these options; the issuer's keys are fetched once and again after a failure. */
export function bearerVerifier(o: BearerOptions): Verify {
  let keys: Promise<Verify> | undefined;
  const load = async (): Promise<Verify> => {
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const base = o.issuer.replace(/\/+$/, '');
    const meta = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as { issuer?: string; jwks_uri?: string };
    if (meta.issuer !== o.issuer || typeof meta.jwks_uri !== 'string') throw new Error(`${o.issuer}: no matching discovery document`);
    const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
    return async (token) => (await jwtVerify(token, jwks, { issuer: o.issuer, audience: o.audience })).payload;
  };
  return async (token) => {
    keys ??= load().catch((e: unknown) => {
      keys = undefined; // the provider did not answer: ask again on the next request
      throw e;
    });
    return (await keys)(token);
  };
}

/** The scope values of a token: `scp` or `scope`, a space-separated string or an array. */
export function scopesOf(claims: Record<string, unknown>): string[] {
  const values: string[] = [];
  for (const name of ['scp', 'scope']) {
    const v = claims[name];
    if (typeof v === 'string') values.push(...v.split(/\s+/).filter((w) => w !== ''));
    if (Array.isArray(v)) values.push(...v.filter((w): w is string => typeof w === 'string'));
  }
  return values;
}

/** The user a verified token names: the first of upn, preferred_username, email that is set. */
export function userOfClaims(mock: Mock, claims: Record<string, unknown>): User | undefined {
  const name = USER_CLAIMS.map((c) => claims[c]).find((v): v is string => typeof v === 'string' && v !== '');
  if (name === undefined) return undefined;
  return name.includes('@') ? userByEmail(mock.world, name) : mock.world.users.get(name.toLowerCase());
}

/** The user of a request carrying `Authorization: Bearer <JWT>`; undefined for anything else. */
export async function bearerUser(mock: Mock, verify: Verify, o: BearerOptions, request: Request): Promise<User | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '');
  if (!m?.[1]) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = await verify(m[1]);
  } catch {
    return undefined;
  }
  if (o.scope !== undefined && !scopesOf(claims).includes(o.scope)) return undefined;
  return userOfClaims(mock, claims);
}

/** RFC 6750 3: the challenge of a Bearer-only server. */
export function bearerChallenge(): Response {
  return new Response('Unauthorized', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="eas-mock"' } });
}
