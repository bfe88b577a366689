// @vitest-environment happy-dom
/**
 * A settings switch for a stored value (a folder to sync, a class) keeps the user's click
 * while the write is on its way, through any render in between: it used to go back to the
 * stored state at the next render, and Playwright's check() on a CI-like run said "Clicking
 * the checkbox did not change its state". A refused write shows the stored state again.
 */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { StoredCheckbox } from '../../../src/ui/components/StoredCheckbox.tsx';

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

/** Renders the switch for `value`; `draw` renders it again (a parent's render) with a stored value. */
function mount(value: boolean, onSet: (v: boolean) => Promise<unknown>) {
  const host = document.createElement('div');
  document.body.append(host);
  root = host;
  const draw = (stored: boolean) => act(() => render(h(StoredCheckbox, { value: stored, onSet }), host));
  draw(value);
  const box = host.querySelector('input') as HTMLInputElement;
  const click = () => act(() => box.click());
  return { box, draw, click };
}

function pending() {
  let settle: { ok: () => void; fail: () => void } = { ok: () => {}, fail: () => {} };
  const writes: boolean[] = [];
  const onSet = (v: boolean) => {
    writes.push(v);
    return new Promise<void>((ok, fail) => (settle = { ok, fail: () => fail(new Error('refused')) }));
  };
  return { onSet, writes, settle: () => settle };
}

describe('StoredCheckbox', () => {
  it('keeps the click through a render before the store has it, then follows the store', async () => {
    const w = pending();
    const { box, draw, click } = mount(true, w.onSet);
    click();
    expect(w.writes).toEqual([false]);
    draw(true); // a render with the old stored value (a sync's progress)
    expect(box.checked).toBe(false);
    await act(async () => w.settle().ok());
    draw(false); // the store has it
    draw(true); // later changed elsewhere: the stored value shows
    expect(box.checked).toBe(true);
  });

  it('shows the stored value again when the write is refused', async () => {
    const w = pending();
    const { box, draw, click } = mount(false, w.onSet);
    click();
    expect(box.checked).toBe(true);
    await act(async () => w.settle().fail());
    draw(false);
    expect(box.checked).toBe(false);
  });
});
