/**
 * A real OpenID provider on loopback for tests: `oidc-provider` (a certified OpenID Connect
 * implementation) with the mock's users, its own login form, authorization code with PKCE
 * (S256 required), refresh tokens that rotate (a used one revokes the whole grant), and JWT
 * access tokens (RFC 9068) for resource indicators (RFC 8707), which `eas mock --bearer-issuer`
 * verifies against this provider's JWKS. Access tokens are short-lived on request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type InteractionDetails } from 'oidc-provider';

/** The mock's users (mocks/README.md), as the provider knows them. */
export const OIDC_USERS: Readonly<Record<string, { password: string; email: string; name: string }>> = {
  alice: { password: 'alicepass', email: 'alice@example.test', name: 'Alice' },
  bob: { password: 'bobpass', email: 'bob@example.test', name: 'Bob' },
};

export const OIDC_CLIENT_ID = 'eas-proxy';
/** The EAS server as a resource; its scope, as Exchange Online names it. */
export const EAS_RESOURCE = 'https://eas.example.test';
export const EAS_SCOPE = 'EAS.AccessAsUser.All';
/** Another resource the provider knows: a token for it is one the EAS server must refuse. */
export const OTHER_RESOURCE = 'https://graph.example.test';

export interface OidcOptions {
  /**
   * Redirect URIs the proxy may use (default its /proxy/oauth/callback on 127.0.0.1). The client is
   * a native one, so a loopback redirect URI matches on any port (RFC 8252 7.3): the proxy's port
   * is not known before the proxy, which reads this provider's metadata when it starts.
   */
  readonly redirectUris?: readonly string[];
  /** Access token lifetime in seconds (default 3600). */
  readonly accessTokenTtl?: number;
}

/** What the provider's token endpoint did (for tests to read). */
export interface TokenEvent {
  readonly grantType: string;
  /** The answer's tokens, or the error code. */
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  readonly error?: string;
}

export interface Oidc {
  readonly issuer: string;
  readonly events: TokenEvent[];
  /** Access token lifetime for tokens issued from now on (seconds). */
  accessTokenTtl: number;
  /** Token endpoint request as another client would make it: `refresh_token` grant with this token. */
  refreshWith(refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, error: string | undefined): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in - Example Identity</title></head><body><main><h1>Example Identity</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<p><label>Username<br><input name="login" autocomplete="username" required></label></p>
<p><label>Password<br><input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p></form></main></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
  });
}

/** The consent a first-party client gets without asking: every scope, claim and resource scope requested. */
async function consent(provider: Provider, details: InteractionDetails): Promise<string> {
  const grant = new provider.Grant({ accountId: details.session?.accountId ?? '', clientId: String(details.params['client_id']) });
  const missing = details.prompt.details;
  const scope = missing['missingOIDCScope'];
  if (Array.isArray(scope)) grant.addOIDCScope(scope.join(' '));
  const claims = missing['missingOIDCClaims'];
  if (Array.isArray(claims)) grant.addOIDCClaims(claims as string[]);
  const resources = (missing['missingResourceScopes'] ?? {}) as Record<string, string[]>;
  for (const [resource, scopes] of Object.entries(resources)) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

/** The login form (GET), its answer (POST), and the consent given without a page. */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await consent(provider, details) } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  if (req.method === 'POST' && url.pathname.endsWith('/login')) {
    const form = await readForm(req);
    const login = (form.get('login') ?? '').trim().toLowerCase();
    const user = OIDC_USERS[login];
    if (user && user.password === form.get('password')) {
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(loginPage(details.uid, 'Wrong username or password.'));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(loginPage(details.uid, undefined));
}

function tokenEvent(grantType: string, body: Record<string, unknown> | undefined): TokenEvent {
  const text = (name: string): string | undefined => (typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
  const fields = { accessToken: text('access_token'), refreshToken: text('refresh_token'), idToken: text('id_token') };
  return { grantType, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
}

export async function startOidc(o: OidcOptions = {}): Promise<Oidc> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `k-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state = { accessTokenTtl: o.accessTokenTtl ?? 3600 };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [...(o.redirectUris ?? ['http://127.0.0.1/proxy/oauth/callback'])],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    findAccount: (_ctx: unknown, id: string) => {
      const user = OIDC_USERS[id];
      return (
        user && {
          accountId: id,
          claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name, preferred_username: user.email }),
        }
      );
    },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // OIDC Core 11 lets a provider drop offline_access without prompt=consent (oidc-provider does);
    // Entra ID gives a refresh token for it anyway, and so does this provider.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: () => state.accessTokenTtl,
      IdToken: 600,
      AuthorizationCode: 60,
      RefreshToken: 86_400,
      Grant: 86_400,
      Interaction: 600,
      Session: 3600,
    },
    // Like Entra ID's access tokens for Exchange: the mailbox names the user (mocks/bearer.ts reads upn first).
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => {
      const user = token.accountId ? OIDC_USERS[token.accountId] : undefined;
      return user ? { upn: user.email } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => EAS_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== EAS_RESOURCE && resource !== OTHER_RESOURCE) throw new Error(`unknown resource ${resource}`);
          return {
            scope: resource === EAS_RESOURCE ? EAS_SCOPE : 'Files.Read',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: state.accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  const events: TokenEvent[] = [];
  provider.on('grant.success', (ctx) => events.push(tokenEvent(String(ctx.oidc.params?.['grant_type']), ctx.body)));
  provider.on('grant.error', (ctx, error) =>
    events.push({ grantType: String(ctx.oidc.params?.['grant_type']), error: error.error ?? error.message }),
  );
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    if (!url.pathname.startsWith('/interaction/')) return handle(req, res);
    interaction(provider, req, res, url).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`interaction failed: ${(e as Error).message}`);
    });
  });
  return {
    issuer,
    events,
    get accessTokenTtl() {
      return state.accessTokenTtl;
    },
    set accessTokenTtl(s: number) {
      state.accessTokenTtl = s;
    },
    refreshWith: async (refreshToken) => {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: OIDC_CLIENT_ID }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
