import { describe, expect, it } from 'vitest';
import { deferred } from '../../src/runtime/start.ts';
import type { EngineClient, EngineEvent } from '../../src/runtime/engine-client.ts';

describe('the deferred client', () => {
  it('queues calls and listeners until the engine has loaded', async () => {
    let resolve: (c: EngineClient) => void = () => undefined;
    const client = deferred(new Promise((r) => (resolve = r)));
    const seen: EngineEvent[] = [];
    client.subscribe((e) => seen.push(e));
    const calls: unknown[] = [];
    let emit: (e: EngineEvent) => void = () => undefined;
    const pending = client.markRead([{ accountId: 'a', itemId: 's' }], true);
    expect(client.status().syncing).toEqual([]);
    resolve({
      markRead: async (...args: unknown[]) => void calls.push(args),
      subscribe: (l: (e: EngineEvent) => void) => ((emit = l), () => undefined),
      status: () => ({ online: true, syncing: ['a'] }),
    } as unknown as EngineClient);
    await pending;
    expect(calls).toEqual([[[{ accountId: 'a', itemId: 's' }], true]]);
    emit({ type: 'sync', accountId: 'a', phase: 'start' });
    expect(seen).toEqual([{ type: 'sync', accountId: 'a', phase: 'start' }]);
    expect(client.status().syncing).toEqual(['a']);
  });
});
