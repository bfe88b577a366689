// @vitest-environment happy-dom
/**
 * The re-enter-password dialog (after a 401): behind `eas proxy --vault` it signs in at the
 * proxy again and stores no password; a refused sign-in stays in the dialog with its reason.
 */
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountRecord } from '../../../src/store/schema.ts';
import { AppContext, type AppHandles } from '../../../src/ui/data/live.ts';
import type { EngineClient } from '../../../src/runtime/engine-client.ts';
import { PasswordDialog } from '../../../src/ui/status/Status.tsx';

const account = { id: 'a1', email: 'alice@example.test', user: 'alice', domain: '' } as AccountRecord;
const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function mount(logins: Response[]) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (url === '/proxy/config') return json(200, { vault: true });
    return logins.shift() ?? json(500, {});
  });
  const client = {
    setPassword: async (id: string, p: string) => void calls.push(`setPassword ${id} "${p}"`),
    syncNow: async (id: string) => void calls.push(`syncNow ${id}`),
  } as unknown as EngineClient;
  const root = document.createElement('div');
  document.body.append(root);
  const onClose = (): void => void calls.push('closed');
  render(h(AppContext.Provider, { value: { db: {} as AppHandles['db'], client } }, h(PasswordDialog, { account, onClose })), root);
  const submit = async (password: string): Promise<void> => {
    const input = root.ownerDocument.querySelector('input[type=password]') as HTMLInputElement;
    input.value = password;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    root.ownerDocument.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(calls.some((c) => c.startsWith('POST'))).toBe(true));
    await new Promise((r) => setTimeout(r, 10));
  };
  return { calls, submit, alert: () => root.ownerDocument.querySelector('[role=alert]')?.textContent ?? '' };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('PasswordDialog behind the vault proxy', () => {
  it('keeps the dialog open with the reason when the proxy refuses the password', async () => {
    const d = mount([json(401, { error: 'wrong password' })]);
    await d.submit('wrong');
    expect(d.calls).toEqual(['GET /proxy/config', 'POST /proxy/login']);
    expect(d.alert()).toBe('The server did not accept this user name or password.');
  });

  it('signs in at the proxy again, stores no password and syncs', async () => {
    const d = mount([new Response(null, { status: 204 })]);
    await d.submit('alicepass');
    await vi.waitFor(() => expect(d.calls).toContain('syncNow a1'));
    expect(d.calls).toEqual(['GET /proxy/config', 'POST /proxy/login', 'setPassword a1 ""', 'closed', 'syncNow a1']);
  });
});
