/** The interop runs' lock on the SOGo peer (test/interop/support/peer-lock.ts): one run at a time per machine. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPeer } from '../interop/support/peer-lock.ts';

const file = join(mkdtempSync(join(tmpdir(), 'peer-lock-')), 'lock');

describe('lockPeer', () => {
  it('makes a second run wait until the first releases the peer', async () => {
    const first = await lockPeer(5_000, undefined, file);
    let waited = false;
    const order: string[] = [];
    const second = lockPeer(10_000, () => (waited = true), file).then((l) => (order.push('second'), l));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(waited).toBe(true);
    expect(order).toEqual([]);
    order.push('released');
    first.release();
    const got = await second;
    expect(order).toEqual(['released', 'second']);
    got.release();
  });

  it('gives up with a clear error when the peer stays held', async () => {
    const first = await lockPeer(5_000, undefined, file);
    await expect(lockPeer(800, undefined, file)).rejects.toThrow(/another run has held .* for/);
    first.release();
  });
});
