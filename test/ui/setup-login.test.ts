/**
 * What the setup screen hands the engine (AccountInput: user and domain already split by
 * eas/login.ts) reaches the server as that pair, through the engine's own reading of it.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openEngine } from '../../src/runtime/engine-adapter.ts';
import { SetupError } from '../../src/runtime/engine-client.ts';
import { journaledStore } from '../sync/support.ts';

/** The Basic name of the first request, which is answered 401. */
async function sentName(user: string, domain: string): Promise<string> {
  const { store } = await journaledStore();
  const names: string[] = [];
  const { client } = openEngine({
    store,
    transport: async (r: Request) => {
      names.push(atob((r.headers.get('Authorization') ?? '').replace(/^Basic /, '')).replace(/:secret$/, ''));
      return new Response('', { status: 401 });
    },
  });
  const input = { email: 'a@example.com', password: 'secret', server: 'https://mail.example.com', ssl: true, user, domain };
  await expect(
    client.addAccount({ ...input, classes: { Email: true, Calendar: false, Contacts: false, Tasks: false } }),
  ).rejects.toBeInstanceOf(SetupError);
  return names[0] ?? '';
}

beforeAll(() => vi.stubGlobal('addEventListener', () => undefined));
afterAll(() => vi.unstubAllGlobals());

describe('the account the setup screen asks for', () => {
  it('signs in as the user and domain it shows, an @ in the user name included', async () => {
    expect(await sentName('mike', 'ox.io')).toBe('ox.io\\mike');
    expect(await sentName('a@b', 'c.example')).toBe('c.example\\a@b');
  });

  it('sends the bare name when the screen shows no domain (\\mike)', async () => {
    expect(await sentName('mike', '')).toBe('mike');
  });
});
