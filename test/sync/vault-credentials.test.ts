/**
 * An account without a password (the app behind `eas proxy --vault`, which holds it): nothing
 * is stored, requests carry no Authorization, and the proxy's 401 when its session ends puts
 * the account in the "re-enter password" state, from which a new sign-in brings it back.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { alice, engineFor, journaledStore, mockServer } from './support.ts';

/** The vault proxy in front of the mock: adds alice's credentials while its session lasts. */
function vaultProxy() {
  const server = mockServer();
  const state = { session: true, withAuthorization: 0, requests: 0 };
  const transport = async (r: Request): Promise<Response> => {
    state.requests += 1;
    if (r.headers.has('Authorization')) state.withAuthorization += 1;
    if (!state.session) return new Response('{"error":"no session"}', { status: 401, headers: { 'Content-Type': 'application/json' } });
    const headers = new Headers(r.headers);
    headers.set('Authorization', `Basic ${btoa('alice:alicepass')}`);
    return server.handle(new Request(r, { headers }));
  };
  return { state, transport };
}

describe("an account whose password the app's proxy keeps", () => {
  it('stores no password, sends no Authorization, and asks for the password again when the session ends', async () => {
    const proxy = vaultProxy();
    const { store } = await journaledStore();
    const { engine } = engineFor(store, proxy.transport);
    const account = await engine.addAccount({ ...alice, password: '' });
    expect(account.password).toBeUndefined();
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect((await store.db.get('accounts', account.id))?.password).toBeUndefined();

    proxy.state.session = false; // the proxy restarted, or the session expired
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'wrong-password' } });
    expect((await store.db.get('accounts', account.id))?.state.kind).toBe('auth');

    proxy.state.session = true; // signed in again at /proxy/login
    await engine.setPassword(account.id, '');
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const stored = await store.db.get('accounts', account.id);
    expect([stored?.state.kind, stored?.password]).toEqual(['ok', undefined]);
    expect(proxy.state.requests).toBeGreaterThan(5);
    expect(proxy.state.withAuthorization).toBe(0);
  });
});
