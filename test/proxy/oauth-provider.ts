/**
 * A small scripted OpenID provider for the proxy's OAuth unit tests: it checks what RFC 6749,
 * RFC 7636 and OIDC Core say a provider checks (redirect_uri, the PKCE verifier, one use of a
 * code, a refresh token used once), and lets a test make it misbehave (another nonce, a refused
 * refresh, a slow answer). The end-to-end journey uses the real `oidc-provider` instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

interface Grant {
  readonly challenge: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly user: string;
}

export interface Provider {
  readonly issuer: string;
  /** Every authorization request's query, in order. */
  readonly authorizations: URLSearchParams[];
  /** Every refresh grant received (the refresh token sent). */
  readonly refreshes: string[];
  /** Refresh tokens that are still good (each may be used once: rotation). */
  readonly liveRefresh: Set<string>;
  /** Settings a test may change. */
  readonly knobs: { lifetimeS: number; nonce?: string; tokenDelayMs: number; rotate: boolean; email: string | undefined };
  /** The access tokens issued, newest last. */
  readonly accessTokens: string[];
  close(): Promise<void>;
}

const CLIENT_ID = 'eas-proxy-test';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

export async function startProvider(): Promise<Provider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Grant>();
  const p: Omit<Provider, 'issuer' | 'close'> = {
    authorizations: [],
    refreshes: [],
    liveRefresh: new Set(),
    accessTokens: [],
    knobs: { lifetimeS: 3600, tokenDelayMs: 0, rotate: true, email: 'alice@example.test' },
  };
  let issuer = '';

  async function tokens(user: string, nonce: string | undefined): Promise<Record<string, unknown>> {
    const access = `at-${randomBytes(12).toString('hex')}`;
    const refresh = `rt-${randomBytes(12).toString('hex')}`;
    p.accessTokens.push(access);
    p.liveRefresh.add(refresh);
    const claims = {
      ...(p.knobs.email ? { email: p.knobs.email } : {}),
      preferred_username: `${user}@example.test`,
      ...(nonce ? { nonce } : {}),
    };
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(CLIENT_ID)
      .setSubject(user)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    return { access_token: access, token_type: 'Bearer', expires_in: p.knobs.lifetimeS, refresh_token: refresh, id_token: idToken };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname === '/.well-known/openid-configuration') {
        return send(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === '/jwks') return send(res, 200, { keys: [jwk] });
      if (url.pathname === '/authorize') {
        // The user "signs in" at once; the test reads the query it was sent.
        p.authorizations.push(url.searchParams);
        const q = url.searchParams;
        const back = new URL(q.get('redirect_uri') ?? '');
        const code = randomBytes(12).toString('hex');
        codes.set(code, {
          challenge: q.get('code_challenge') ?? '',
          nonce: p.knobs.nonce ?? q.get('nonce') ?? '',
          redirectUri: back.href,
          user: 'alice',
        });
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { Location: back.href });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        if (p.knobs.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, p.knobs.tokenDelayMs));
        if (form.get('grant_type') === 'authorization_code') {
          const grant = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url'); // RFC 7636 4.6
          if (!grant || grant.challenge !== challenge || grant.redirectUri.split('?')[0] !== form.get('redirect_uri')) {
            return send(res, 400, { error: 'invalid_grant' });
          }
          return send(res, 200, await tokens(grant.user, grant.nonce));
        }
        if (form.get('grant_type') === 'refresh_token') {
          const old = form.get('refresh_token') ?? '';
          p.refreshes.push(old);
          if (!p.liveRefresh.has(old))
            return send(res, 400, { error: 'invalid_grant', error_description: 'refresh token already used or revoked' });
          if (p.knobs.rotate) p.liveRefresh.delete(old);
          const t = await tokens('alice', undefined);
          delete t['id_token'];
          if (!p.knobs.rotate) {
            p.liveRefresh.delete(t['refresh_token'] as string);
            delete t['refresh_token'];
          }
          return send(res, 200, t);
        }
        return send(res, 400, { error: 'unsupported_grant_type' });
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...p,
    issuer,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export { CLIENT_ID };
