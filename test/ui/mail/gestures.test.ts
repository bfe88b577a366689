/** The mail list's gestures as a pure function of pointer samples (src/ui/mail/gestures.ts). */
import { describe, expect, it } from 'vitest';
import { HOLD_MS, readGesture, type Sample } from '../../../src/ui/mail/gestures.ts';

const ROW = { width: 390, atTop: false, now: 0 };

/** A straight path from (0,0) to (dx,dy) in `steps` samples over `ms`. */
function path(dx: number, dy: number, ms: number, steps = 10): Sample[] {
  return Array.from({ length: steps + 1 }, (_, i) => ({
    x: 100 + (dx * i) / steps,
    y: 300 + (dy * i) / steps,
    t: 1000 + (ms * i) / steps,
  }));
}

const at = (samples: readonly Sample[]) => ({ ...ROW, now: (samples[samples.length - 1] as Sample).t });

describe('mail list gestures', () => {
  it('a slow drag to the left past a third of the row is an armed left swipe', () => {
    const samples = path(-150, 6, 600);
    expect(readGesture(samples, at(samples))).toEqual({ kind: 'swipe', side: 'left', offset: -150, armed: true });
  });

  it('a slow short drag to the right shows the action but does not arm it', () => {
    const samples = path(80, 0, 600);
    expect(readGesture(samples, at(samples))).toEqual({ kind: 'swipe', side: 'right', offset: 80, armed: false });
  });

  it('a quick flick to the right arms before the threshold', () => {
    const samples = path(70, 2, 80);
    expect(readGesture(samples, at(samples))).toMatchObject({ kind: 'swipe', side: 'right', armed: true });
  });

  it('a swipe that goes back under the threshold is not armed', () => {
    const samples = [...path(-160, 0, 400), ...path(-160, 0, 400).map((s, i) => ({ x: s.x + 16 * i, y: 300, t: 1400 + 40 * (i + 1) }))];
    const last = samples[samples.length - 1] as Sample;
    expect(last.x - 100).toBe(0);
    expect(readGesture(samples, at(samples))).toMatchObject({ kind: 'swipe', armed: false });
  });

  it('a diagonal drag that starts vertical is a scroll, even if it drifts sideways later', () => {
    const samples = [...path(4, -40, 200), { x: 300, y: 250, t: 1300 }];
    expect(readGesture(samples, at(samples))).toEqual({ kind: 'scroll' });
  });

  it('a drag at 45° is not taken as a swipe', () => {
    const samples = path(60, 60, 300);
    expect(readGesture(samples, at(samples))).toEqual({ kind: 'scroll' });
  });

  it('pulling down at the top of the list is a pull, armed past the threshold', () => {
    const short = path(0, 80, 400);
    expect(readGesture(short, { ...at(short), atTop: true })).toEqual({ kind: 'pull', distance: 40, armed: false });
    const long = path(3, 200, 600);
    expect(readGesture(long, { ...at(long), atTop: true })).toEqual({ kind: 'pull', distance: 100, armed: true });
  });

  it('pulling down below the top scrolls; pushing up at the top scrolls', () => {
    const down = path(0, 200, 600);
    expect(readGesture(down, at(down))).toEqual({ kind: 'scroll' });
    const up = path(0, -200, 600);
    expect(readGesture(up, { ...at(up), atTop: true })).toEqual({ kind: 'scroll' });
  });

  it('a press held still is a hold after HOLD_MS, a tap before', () => {
    const still: Sample[] = [
      { x: 100, y: 300, t: 1000 },
      { x: 103, y: 302, t: 1200 },
    ];
    expect(readGesture(still, { ...ROW, now: 1000 + HOLD_MS - 1 })).toEqual({ kind: 'none' });
    expect(readGesture(still, { ...ROW, now: 1000 + HOLD_MS })).toEqual({ kind: 'hold' });
  });

  it('a press that moved past the slop never becomes a hold', () => {
    const samples = path(0, 30, 100);
    expect(readGesture(samples, { ...ROW, now: 5000 })).toEqual({ kind: 'scroll' });
  });

  it('no samples: nothing', () => {
    expect(readGesture([], ROW)).toEqual({ kind: 'none' });
  });
});
