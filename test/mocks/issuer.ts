/**
 * A token issuer for the mock's Bearer tests: a discovery document and a JWKS on loopback,
 * and access tokens signed with its key (or with a stranger's) carrying whatever claims a test
 * names. The real provider of the end-to-end tests is test/support/oidc.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface Issuer {
  readonly issuer: string;
  /** Discovery and JWKS requests served so far. */
  readonly hits: string[];
  /** An RS256 access token; `foreign` signs with a key the JWKS does not hold. */
  token(claims: JWTPayload, o?: { audience?: string; issuer?: string; expiresIn?: string | number; foreign?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<Issuer> {
  const own = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'mock-test', alg: 'RS256', use: 'sig' };
  const hits: string[] = [];
  let issuer = '';
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    hits,
    token: (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'mock-test', typ: 'at+jwt' })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? 'https://eas.example.test')
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '5m')
        .sign(o.foreign ? stranger.privateKey : own.privateKey),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
