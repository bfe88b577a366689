/**
 * The directory is asked once typing pauses (250 ms), only for the latest text, never
 * offline; an answer for older text is dropped and a failure is a quiet state.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { galLookup, type GalState } from '../../../src/ui/compose/gal-lookup.ts';
import type { Person } from '../../../src/ui/compose/suggest.ts';

const person = (email: string): Person => ({ email, source: 'gal', words: [email] });

function setup(online = true) {
  const states: GalState[] = [];
  const asked: string[] = [];
  const answers = new Map<string, { resolve: (p: Person[]) => void; reject: (e: Error) => void }>();
  const state = { online };
  const lookup = galLookup({
    search: (q) => {
      asked.push(q);
      return new Promise((resolve, reject) => answers.set(q, { resolve, reject }));
    },
    online: () => state.online,
    onState: (s) => states.push(s),
  });
  return { lookup, states, asked, answers, state };
}

describe('GAL lookup', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks once, 250 ms after the last keystroke, for the last text', async () => {
    const { lookup, asked, states, answers } = setup();
    lookup.ask('b');
    lookup.ask('bo');
    await vi.advanceTimersByTimeAsync(200);
    lookup.ask('bor');
    await vi.advanceTimersByTimeAsync(249);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual(['bor']);
    expect(states.at(-1)).toEqual({ query: 'bor', status: 'waiting', people: [] });
    answers.get('bor')?.resolve([person('borislav@example.test')]);
    await vi.runAllTimersAsync();
    expect(states.at(-1)).toEqual({ query: 'bor', status: 'done', people: [person('borislav@example.test')] });
  });

  it('while the next answer is awaited, the last answer stays; one letter clears it', async () => {
    const { lookup, states, answers } = setup();
    lookup.ask('bo');
    await vi.advanceTimersByTimeAsync(250);
    answers.get('bo')?.resolve([person('borislav@example.test'), person('bob@example.test')]);
    await vi.advanceTimersByTimeAsync(0);
    lookup.ask('bor');
    expect(states.at(-1)).toEqual({
      query: 'bor',
      status: 'waiting',
      people: [person('borislav@example.test'), person('bob@example.test')],
    });
    lookup.ask('b');
    lookup.ask('bo');
    expect(states.at(-1)).toEqual({ query: 'bo', status: 'waiting', people: [] });
  });

  it('one letter asks nothing', async () => {
    const { lookup, asked, states } = setup();
    lookup.ask(' b ');
    await vi.runAllTimersAsync();
    expect(asked).toEqual([]);
    expect(states).toEqual([{ query: 'b', status: 'idle', people: [] }]);
  });

  it('drops the answer for text the user has typed past', async () => {
    const { lookup, asked, states, answers } = setup();
    lookup.ask('bo');
    await vi.advanceTimersByTimeAsync(250);
    lookup.ask('bob');
    answers.get('bo')?.resolve([person('old@example.test')]);
    await vi.advanceTimersByTimeAsync(250);
    answers.get('bob')?.resolve([person('bob@example.test')]);
    await vi.runAllTimersAsync();
    expect(asked).toEqual(['bo', 'bob']);
    expect(states.filter((s) => s.status === 'done')).toEqual([{ query: 'bob', status: 'done', people: [person('bob@example.test')] }]);
  });

  it('offline: no request, an offline state; a failure while online is "unavailable", not an error', async () => {
    const off = setup(false);
    off.lookup.ask('bo');
    await vi.runAllTimersAsync();
    expect(off.asked).toEqual([]);
    expect(off.states).toEqual([{ query: 'bo', status: 'offline', people: [] }]);

    const on = setup();
    on.lookup.ask('bo');
    await vi.advanceTimersByTimeAsync(250);
    on.answers.get('bo')?.reject(new Error('HTTP 503'));
    await vi.runAllTimersAsync();
    expect(on.states.at(-1)).toEqual({ query: 'bo', status: 'unavailable', people: [] });

    // The connection went away while asking: offline.
    on.lookup.ask('bob');
    await vi.advanceTimersByTimeAsync(250);
    on.state.online = false;
    on.answers.get('bob')?.reject(new TypeError('Failed to fetch'));
    await vi.runAllTimersAsync();
    expect(on.states.at(-1)).toEqual({ query: 'bob', status: 'offline', people: [] });
  });

  it('stop() cancels a pending ask and drops an answer in flight', async () => {
    const { lookup, asked, states, answers } = setup();
    lookup.ask('bo');
    lookup.stop();
    await vi.runAllTimersAsync();
    expect(asked).toEqual([]);
    lookup.ask('bob');
    await vi.advanceTimersByTimeAsync(250);
    lookup.stop();
    answers.get('bob')?.resolve([person('bob@example.test')]);
    await vi.runAllTimersAsync();
    expect(states.map((s) => s.status)).toEqual(['waiting', 'waiting']);
  });
});
