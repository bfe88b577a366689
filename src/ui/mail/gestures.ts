/**
 * What a pointer's path on the mail list means, as a pure function of its samples: a
 * horizontal swipe on a row, a pull down at the top of the list, a long press, or a
 * vertical scroll that belongs to the browser. The list (MessageList.tsx) feeds it the
 * samples of one pointer (touch, pen or a mouse drag) and acts on the answer.
 */

export interface Sample {
  readonly x: number;
  readonly y: number;
  /** ms */
  readonly t: number;
}

export type SwipeSide = 'left' | 'right';

export type Gesture =
  /** Not moved past the slop yet (a tap, or a press still held). */
  | { readonly kind: 'none' }
  /** Held still long enough: selects the row. */
  | { readonly kind: 'hold' }
  /** Mostly vertical and not a pull: the browser scrolls, the list lets go. */
  | { readonly kind: 'scroll' }
  /** `offset` px sideways; `armed`: released now, the side's action runs. */
  | { readonly kind: 'swipe'; readonly side: SwipeSide; readonly offset: number; readonly armed: boolean }
  /** Pulled down from the top of the list by `distance` px; `armed`: released now, it refreshes. */
  | { readonly kind: 'pull'; readonly distance: number; readonly armed: boolean };

export interface GestureContext {
  /** The row's width in px (the swipe threshold is a share of it). */
  readonly width: number;
  /** The list was scrolled to its top when the pointer went down. */
  readonly atTop: boolean;
  /** Now (ms), for a press that has not moved. */
  readonly now: number;
}

/** Movement under this (px) is a tap's jitter. */
export const SLOP = 10;
/** A press held this long (ms) without moving selects. */
export const HOLD_MS = 500;
/** A swipe decides only when clearly horizontal: |dx| at least this many times |dy| when leaving the slop. */
const HORIZONTAL_RATIO = 1.5;
/** A swipe acts past this share of the row's width (capped), or when flicked. */
const SWIPE_SHARE = 0.35;
const SWIPE_MAX = 140;
/** A flick: this fast (px/ms) over the last FLICK_WINDOW ms and past FLICK_MIN px. */
const FLICK_SPEED = 0.6;
const FLICK_WINDOW = 100;
const FLICK_MIN = 48;
/** A pull refreshes past this (px); the shown distance is damped by PULL_DAMPING. */
export const PULL_THRESHOLD = 64;
const PULL_DAMPING = 0.5;

/** The gesture the samples (oldest first, the pointer-down first) make so far. */
export function readGesture(samples: readonly Sample[], ctx: GestureContext): Gesture {
  const start = samples[0];
  const last = samples[samples.length - 1];
  if (!start || !last) return { kind: 'none' };
  const leave = samples.find((s) => Math.hypot(s.x - start.x, s.y - start.y) > SLOP);
  if (!leave) return ctx.now - start.t >= HOLD_MS ? { kind: 'hold' } : { kind: 'none' };
  // The direction is decided once, where the pointer left the slop: a later sideways drift never hijacks a scroll.
  const ldx = leave.x - start.x;
  const ldy = leave.y - start.y;
  if (Math.abs(ldx) >= HORIZONTAL_RATIO * Math.abs(ldy)) return swipe(samples, last.x - start.x, ctx.width);
  if (ctx.atTop && ldy > 0) return pull(last.y - start.y);
  return { kind: 'scroll' };
}

function swipe(samples: readonly Sample[], dx: number, width: number): Gesture {
  const side: SwipeSide = dx >= 0 ? 'right' : 'left';
  const threshold = Math.min(SWIPE_MAX, width * SWIPE_SHARE);
  return { kind: 'swipe', side, offset: dx, armed: Math.abs(dx) >= threshold || flicked(samples, side) };
}

function flicked(samples: readonly Sample[], side: SwipeSide): boolean {
  const last = samples[samples.length - 1] as Sample;
  const from = samples.find((s) => last.t - s.t <= FLICK_WINDOW) ?? last;
  const dx = last.x - from.x;
  const total = last.x - (samples[0] as Sample).x;
  const dt = Math.max(1, last.t - from.t);
  const sign = side === 'right' ? 1 : -1;
  return sign * total >= FLICK_MIN && (sign * dx) / dt >= FLICK_SPEED;
}

function pull(dy: number): Gesture {
  const distance = Math.max(0, dy * PULL_DAMPING);
  return { kind: 'pull', distance, armed: distance >= PULL_THRESHOLD };
}
