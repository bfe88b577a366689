/** The setup screen's side of vault mode, against the real `eas proxy` (in-process) over the mock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupError } from '../../../src/runtime/engine-client.ts';
import { oauthSession, proxyConfig, reenterPassword, servedByVault, signinError, vaultLogin } from '../../../src/ui/setup/vault.ts';
import { makeDist, startWithMock, type Started } from '../../proxy/support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;
let vault: Started;
let plain: Started;

/** fetch as the page does it: paths relative to the app's origin. */
const from = (origin: string) => (path: string, init?: RequestInit) => fetch(new URL(path, origin), init);

beforeAll(async () => {
  dist = await makeDist();
  vault = await startWithMock(dist.dist, { vault: true });
  plain = await startWithMock(dist.dist);
});

afterAll(async () => {
  await vault.stop();
  await plain.stop();
  await dist.remove();
});

describe('servedByVault', () => {
  it('is true only behind eas proxy --vault', async () => {
    expect(await servedByVault(from(vault.proxy.url))).toBe(true);
    expect(await servedByVault(from(plain.proxy.url))).toBe(false);
  });

  it('is false for a static server (index.html for any path), a 404 and no network', async () => {
    const html = async () => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } });
    expect(await servedByVault(html)).toBe(false);
    expect(
      await servedByVault(async () => new Response('{"vault":true}', { status: 404, headers: { 'Content-Type': 'application/json' } })),
    ).toBe(false);
    expect(await servedByVault(async () => Promise.reject(new TypeError('Failed to fetch')))).toBe(false);
  });
});

describe('vaultLogin', () => {
  it('opens a session on the proxy for the right password', async () => {
    const before = vault.proxy.sessions();
    await vaultLogin({ user: 'alice', domain: 'example.test', password: 'alicepass' }, from(vault.proxy.url));
    expect(vault.proxy.sessions()).toBe(before + 1);
  });

  it("says why it failed in the setup screen's terms", async () => {
    const wrong = vaultLogin({ user: 'alice', domain: '', password: 'nope' }, from(vault.proxy.url));
    await expect(wrong).rejects.toBeInstanceOf(SetupError);
    await expect(wrong).rejects.toMatchObject({ kind: 'auth', message: 'wrong user name or password' });
    await expect(vaultLogin({ user: 'a', domain: '', password: 'b' }, from(plain.proxy.url))).rejects.toMatchObject({
      kind: 'unknown',
      message: 'HTTP 404',
    });
    await expect(
      vaultLogin({ user: 'a', domain: '', password: 'b' }, async () => Promise.reject(new TypeError('Failed to fetch'))),
    ).rejects.toMatchObject({ kind: 'unreachable' });
  });
});

describe('reenterPassword', () => {
  const account = { id: 'a1', user: 'alice', domain: 'example.test' };

  function recorder() {
    const calls: [string, string][] = [];
    return { calls, setPassword: async (id: string, password: string) => void calls.push([id, password]) };
  }

  it('behind the vault: signs in at the proxy again and keeps no password', async () => {
    const client = recorder();
    const before = vault.proxy.sessions();
    await reenterPassword(client, account, 'alicepass', from(vault.proxy.url));
    expect(vault.proxy.sessions()).toBe(before + 1);
    expect(client.calls).toEqual([['a1', '']]);
    await expect(reenterPassword(client, account, 'wrong', from(vault.proxy.url))).rejects.toMatchObject({ kind: 'auth' });
    expect(client.calls).toHaveLength(1);
  });

  it('otherwise: the account takes the new password', async () => {
    const client = recorder();
    await reenterPassword(client, account, 'new', from(plain.proxy.url));
    await reenterPassword(client, { ...account, password: 'old' }, 'newer', from(vault.proxy.url));
    expect(client.calls).toEqual([
      ['a1', 'new'],
      ['a1', 'newer'],
    ]);
  });
});

describe('OAuth behind the proxy (app side)', () => {
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('proxyConfig says oauth only with vault, and neither for a plain proxy', async () => {
    expect(await proxyConfig(answer(200, { vault: true, oauth: true }))).toEqual({ vault: true, oauth: true });
    expect(await proxyConfig(answer(200, { vault: false, oauth: true }))).toEqual({ vault: false, oauth: false });
    expect(await proxyConfig(from(vault.proxy.url))).toEqual({ vault: true, oauth: false });
    expect(await proxyConfig(from(plain.proxy.url))).toEqual({ vault: false, oauth: false });
  });

  it('oauthSession gives the address of an OAuth session only', async () => {
    expect(await oauthSession(answer(200, { user: 'alice@example.test', address: 'alice@example.test', oauth: true }))).toBe(
      'alice@example.test',
    );
    expect(await oauthSession(answer(200, { user: 'alice' }))).toBeUndefined();
    expect(await oauthSession(answer(401, { error: 'no session' }))).toBeUndefined();
  });

  it('signinError reads the callback refusal, unknown codes as "other"', () => {
    expect(signinError('?signin-error=access_denied')).toBe('access_denied');
    expect(signinError('?signin-error=server_refused')).toBe('server_refused');
    expect(signinError('?signin-error=%3Cscript%3E')).toBe('other');
    expect(signinError('?x=1')).toBeUndefined();
  });
});
