/**
 * The mock in its Exchange-Online-like mode: only some versions offered, only Bearer JWTs of one
 * issuer and audience, the DefaultAnchorMailbox cookie required, Autodiscover's JSON form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textAt } from '../../src/wbxml/tree.ts';
import type { MockServer } from '../../mocks/server.ts';
import { F, TestClient, testServer } from './helpers.ts';
import { startIssuer, type Issuer } from './issuer.ts';

const AUDIENCE = 'https://eas.example.test';
const SCOPE = 'EAS.AccessAsUser.All';
const folderSync = F('FolderSync', F('SyncKey', '0'));

let issuer: Issuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(async () => {
  await issuer.close();
});

function bearerServer(scope?: string): MockServer {
  return testServer({ bearer: { issuer: issuer.issuer, audience: AUDIENCE, ...(scope ? { scope } : {}) } });
}

/** A FolderSync carrying this Authorization (and cookie); its status and the challenge. */
async function folderSyncWith(
  s: MockServer,
  authorization: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; challenge: string | null; folders?: string }> {
  const c = new TestClient(s, { version: '16.1' });
  const a = await c.post('FolderSync', folderSync, {}, { Authorization: authorization, ...extra });
  return {
    status: a.status,
    challenge: a.response.headers.get('WWW-Authenticate'),
    ...(a.tree ? { folders: textAt(a.tree, 'Status') } : {}),
  };
}

describe('--versions', () => {
  it('offers only the versions given and answers 400 to a request naming another', async () => {
    const s = testServer({ versions: ['16.1'] });
    const c = new TestClient(s, { version: '16.1' });
    const options = await s.handle(
      new Request('http://mock.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS', headers: c.headers() }),
    );
    expect(options.headers.get('MS-ASProtocolVersions')).toBe('16.1');
    expect((await c.post('FolderSync', folderSync)).status).toBe(200);
    expect((await new TestClient(s, { version: '14.1' }).post('FolderSync', folderSync)).status).toBe(400);
    expect((await new TestClient(s, { version: '16.0' }).post('FolderSync', folderSync)).status).toBe(400);
  });
});

describe('--bearer-issuer / --bearer-audience', () => {
  it("takes a token of the issuer's key, for the audience, unexpired, and names the user by upn, then preferred_username, then email", async () => {
    const s = bearerServer();
    const ok = await folderSyncWith(s, `Bearer ${await issuer.token({ upn: 'alice@example.test' })}`);
    expect(ok).toEqual({ status: 200, challenge: null, folders: '1' });
    expect(issuer.hits).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/jwks']));
    // upn wins over preferred_username and email: bob's token is bob's, whatever else it says.
    const order = await issuer.token({ upn: 'bob@example.test', preferred_username: 'alice@example.test', email: 'alice@example.test' });
    const c = new TestClient(s, { version: '16.1', user: 'bob' });
    const asBob = await c.post('FolderSync', folderSync, {}, { Authorization: `Bearer ${order}` });
    expect(asBob.status).toBe(200);
    expect(s.mock.devices.get('bob', 'DEV1', 'TestDevice').folderKnown.size).toBeGreaterThan(0); // the FolderSync was bob's
    expect((await folderSyncWith(s, `Bearer ${await issuer.token({ preferred_username: 'alice@example.test' })}`)).status).toBe(200);
    expect((await folderSyncWith(s, `Bearer ${await issuer.token({ email: 'bob@example.test' })}`)).status).toBe(200);
  });

  it("answers 401 with WWW-Authenticate: Bearer to Basic, no token, a stranger's key, another issuer or audience, an expired token, an unknown user", async () => {
    const s = bearerServer();
    const cases: Record<string, string> = {
      basic: `Basic ${btoa('alice:alicepass')}`,
      none: '',
      garbage: 'Bearer not.a.jwt',
      foreign: `Bearer ${await issuer.token({ upn: 'alice@example.test' }, { foreign: true })}`,
      issuer: `Bearer ${await issuer.token({ upn: 'alice@example.test' }, { issuer: 'https://other.example.test' })}`,
      audience: `Bearer ${await issuer.token({ upn: 'alice@example.test' }, { audience: 'https://graph.example.test' })}`,
      expired: `Bearer ${await issuer.token({ upn: 'alice@example.test' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 })}`,
      nobody: `Bearer ${await issuer.token({ upn: 'mallory@example.test' })}`,
      unnamed: `Bearer ${await issuer.token({ sub: 'alice' })}`,
    };
    const answers: Record<string, unknown> = {};
    for (const [name, authorization] of Object.entries(cases)) answers[name] = await folderSyncWith(s, authorization);
    const refused = { status: 401, challenge: 'Bearer realm="eas-mock"' };
    expect(answers).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, refused])));
  });

  it('with --bearer-scope, wants the scope among scp (space-separated) or scope values', async () => {
    const s = bearerServer(SCOPE);
    const status = async (claims: Record<string, unknown>) =>
      (await folderSyncWith(s, `Bearer ${await issuer.token({ upn: 'alice@example.test', ...claims })}`)).status;
    expect(await status({ scp: `openid ${SCOPE}` })).toBe(200);
    expect(await status({ scope: `${SCOPE} offline_access` })).toBe(200);
    expect(await status({ scp: [SCOPE] })).toBe(200);
    expect(await status({ scp: 'Mail.Read' })).toBe(401);
    expect(await status({})).toBe(401);
  });

  it('asks a Bearer token for OPTIONS and the POX Autodiscover too', async () => {
    const s = bearerServer();
    const good = `Bearer ${await issuer.token({ upn: 'alice@example.test' })}`;
    const options = (authorization: string) =>
      s.handle(
        new Request('http://mock.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS', headers: { Authorization: authorization } }),
      );
    expect((await options(good)).status).toBe(200);
    expect((await options(`Basic ${btoa('alice:alicepass')}`)).status).toBe(401);
    const pox = (authorization: string) =>
      s.handle(
        new Request('http://mock.test/autodiscover/autodiscover.xml', {
          method: 'POST',
          headers: { Authorization: authorization },
          body: '<Autodiscover><Request><EMailAddress>alice@example.test</EMailAddress></Request></Autodiscover>',
        }),
      );
    expect((await pox(good)).status).toBe(200);
    const refused = await pox(`Basic ${btoa('alice:alicepass')}`);
    expect([refused.status, refused.headers.get('WWW-Authenticate')]).toEqual([401, 'Bearer realm="eas-mock"']);
  });
});

describe('--anchor-cookie', () => {
  it("answers a POST with 451 unless DefaultAnchorMailbox names the user's address; OPTIONS either way", async () => {
    const s = testServer({ anchorCookie: true });
    const c = new TestClient(s);
    expect((await c.post('FolderSync', folderSync)).status).toBe(451);
    expect((await c.post('FolderSync', folderSync, {}, { Cookie: 'DefaultAnchorMailbox=bob@example.test' })).status).toBe(451);
    expect((await c.post('FolderSync', folderSync, {}, { Cookie: 'XDefaultAnchorMailbox=alice@example.test' })).status).toBe(451);
    const anchored = await c.post('FolderSync', folderSync, {}, { Cookie: 'theme=dark; DefaultAnchorMailbox=Alice@Example.test' });
    expect([anchored.status, anchored.tree && textAt(anchored.tree, 'Status')]).toEqual([200, '1']);
    const options = await s.handle(
      new Request('http://mock.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS', headers: c.headers() }),
    );
    expect(options.status).toBe(200);
  });

  it('without the option, takes a POST with no cookie', async () => {
    const s = testServer();
    expect((await new TestClient(s).post('FolderSync', folderSync)).status).toBe(200);
  });
});

describe('Autodiscover JSON', () => {
  const get = (s: MockServer, path: string) => s.handle(new Request(`https://mail.example.test${path}`));

  it('answers the ActiveSync URL for a known address, without credentials', async () => {
    const s = bearerServer();
    const res = await get(s, '/autodiscover/autodiscover.json/v1.0/alice@example.test?Protocol=ActiveSync');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ Protocol: 'ActiveSync', Url: 'https://mail.example.test/Microsoft-Server-ActiveSync' });
    const encoded = await get(s, '/AutoDiscover/autodiscover.json/v1.0/bob%40example.test?protocol=activesync');
    expect(await encoded.json()).toEqual({ Protocol: 'ActiveSync', Url: 'https://mail.example.test/Microsoft-Server-ActiveSync' });
  });

  it('answers 404 for an unknown address, 400 for another protocol, 405 for a POST', async () => {
    const s = testServer();
    const unknown = await get(s, '/autodiscover/autodiscover.json/v1.0/nobody@example.test?Protocol=ActiveSync');
    expect([unknown.status, (await unknown.json()).ErrorCode]).toEqual([404, 'UserNotFound']);
    const ews = await get(s, '/autodiscover/autodiscover.json/v1.0/alice@example.test?Protocol=Ews');
    expect([ews.status, (await ews.json()).ErrorCode]).toEqual([400, 'InvalidProtocol']);
    const post = await s.handle(
      new Request('https://mail.example.test/autodiscover/autodiscover.json/v1.0/alice@example.test?Protocol=ActiveSync', {
        method: 'POST',
      }),
    );
    expect(post.status).toBe(405);
  });
});
