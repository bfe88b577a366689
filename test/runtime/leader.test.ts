import { describe, expect, it } from 'vitest';
import { lead } from '../../src/runtime/leader.ts';
import type { StepKind } from '../../src/runtime/protocol.ts';

/** Runs the leader's loop for a scripted number of steps; the waker replays `wakes`. */
async function script(results: (number | Error)[], wakes: ('timeout' | 'online')[] = [], online: boolean[] = []) {
  const kinds: StepKind[] = [];
  const sleeps: number[] = [];
  let i = 0;
  const stop = new Error('stop');
  const run = lead(
    async (kind) => {
      kinds.push(kind);
      const r = results[kinds.length - 1];
      if (r === undefined) throw stop;
      if (r instanceof Error) throw r;
      return { nextInMs: r };
    },
    () => online[i] ?? true,
    {
      sleep: async (ms) => {
        sleeps.push(ms);
        if (kinds.length > results.length) throw stop;
        return wakes[i++] ?? 'timeout';
      },
      during: (work) => work,
    },
  );
  await run.catch((e: unknown) => {
    if (e !== stop) throw e;
  });
  return { kinds, sleeps };
}

describe('the leader tab', () => {
  it('syncs first, then ticks when the worker says', async () => {
    const { kinds, sleeps } = await script([0, 60_000, 5_000]);
    expect(kinds).toEqual(['sync', 'tick', 'tick', 'tick']);
    expect(sleeps.slice(0, 3)).toEqual([0, 60_000, 5_000]);
  });

  it('repeats a failed step after a pause (a stopped worker starts with the next message)', async () => {
    const { kinds, sleeps } = await script([new Error('worker restarted'), 1_000]);
    expect(kinds.slice(0, 2)).toEqual(['sync', 'sync']);
    expect(sleeps[0]).toBe(2_000);
  });

  it('syncs fully when the connection comes back', async () => {
    const { kinds } = await script([30_000, 30_000], ['online']);
    expect(kinds.slice(0, 3)).toEqual(['sync', 'sync', 'tick']);
  });

  it('sends nothing while offline', async () => {
    const { kinds, sleeps } = await script([1_000, 1_000], ['online'], [false, true]);
    expect(kinds[0]).toBe('sync');
    expect(sleeps[0]).toBeGreaterThan(3_600_000);
  });

  it('syncs beside a held Ping when the connection comes back, not after it', async () => {
    const kinds: StepKind[] = [];
    let endPing: (() => void) | undefined;
    let online: (() => void) | undefined;
    const stop = new Error('stop');
    const run = lead(
      (kind) => {
        kinds.push(kind);
        if (kinds.length === 2) return new Promise((ok) => (endPing = () => ok({ nextInMs: 0 }))); // the tick holds a Ping
        return Promise.resolve({ nextInMs: 0 });
      },
      () => true,
      {
        sleep: async () => {
          if (endPing) throw stop; // the loop got past the held Ping
          return 'timeout';
        },
        during: async (work, onOnline) => {
          online = onOnline;
          return work;
        },
      },
    ).catch((e: unknown) => e);
    await expect.poll(() => kinds).toEqual(['sync', 'tick']);
    online?.(); // the connection is back while the Ping is held
    expect(kinds).toEqual(['sync', 'tick', 'sync']);
    endPing?.();
    expect(await run).toBe(stop);
  });
});
