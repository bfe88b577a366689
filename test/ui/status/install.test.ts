/** The "Install app" offer: shown while the browser lets the page offer it, never when installed. */
import { describe, expect, it } from 'vitest';
import { watchInstall, type InstallHost, type InstallState } from '../../../src/ui/status/install.ts';

function fakeWindow(opts: { standaloneMedia?: boolean; iosStandalone?: boolean } = {}) {
  const target = new EventTarget();
  const host: InstallHost = {
    addEventListener: (type, l) => target.addEventListener(type, l),
    matchMedia: (q) => ({ matches: q === '(display-mode: standalone)' && opts.standaloneMedia === true }),
    navigator: { standalone: opts.iosStandalone },
  };
  const prompted: string[] = [];
  /** Chromium's event, answered with `outcome`. */
  const offer = (outcome: 'accepted' | 'dismissed') => {
    const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => void prompted.push('prompt'),
      userChoice: Promise.resolve({ outcome }),
    });
    target.dispatchEvent(e);
    return e;
  };
  return { host, prompted, offer, fire: (type: string) => target.dispatchEvent(new Event(type)) };
}

describe('install offer', () => {
  it('is offered after beforeinstallprompt (the browser bar prevented), prompts once, and goes when accepted', async () => {
    const w = fakeWindow();
    const watch = watchInstall(w.host);
    const seen: InstallState[] = [];
    watch.subscribe((s) => seen.push(s));
    expect(watch.state()).toBe('unavailable');
    await expect(watch.install()).resolves.toBe('unavailable');
    const e = w.offer('accepted');
    expect(e.defaultPrevented).toBe(true);
    expect(watch.state()).toBe('available');
    await expect(watch.install()).resolves.toBe('accepted');
    expect(w.prompted).toEqual(['prompt']);
    expect(watch.state()).toBe('installed');
    await expect(watch.install()).resolves.toBe('unavailable'); // the event is used up
    expect(seen).toEqual(['available', 'installed']);
  });

  it('hides the offer when the prompt is dismissed, until the browser offers again', async () => {
    const w = fakeWindow();
    const watch = watchInstall(w.host);
    w.offer('dismissed');
    await expect(watch.install()).resolves.toBe('dismissed');
    expect(watch.state()).toBe('unavailable');
    w.offer('accepted');
    expect(watch.state()).toBe('available');
  });

  it('offers nothing when running installed: display-mode standalone, iOS standalone, or after appinstalled', () => {
    for (const opts of [{ standaloneMedia: true }, { iosStandalone: true }]) {
      const w = fakeWindow(opts);
      const watch = watchInstall(w.host);
      const e = w.offer('accepted');
      expect([watch.state(), e.defaultPrevented]).toEqual(['installed', false]);
    }
    const w = fakeWindow();
    const watch = watchInstall(w.host);
    w.offer('accepted');
    w.fire('appinstalled');
    expect(watch.state()).toBe('installed');
  });

  it('ignores an event without prompt()', () => {
    const w = fakeWindow();
    const watch = watchInstall(w.host);
    w.fire('beforeinstallprompt');
    expect(watch.state()).toBe('unavailable');
  });
});
