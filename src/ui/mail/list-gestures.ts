/**
 * The mail list's pointer handling: one pointer's samples go to readGesture
 * (gestures.ts), and what it reads is shown live (a row sliding aside, the pull
 * indicator) and acted on at release. Works with touch, pen and a mouse drag; the rows
 * keep `touch-action: pan-y`, so a vertical drag stays the browser's scroll.
 */
import { useRef, useState } from 'preact/hooks';
import { HOLD_MS, readGesture, type Gesture, type Sample, type SwipeSide } from './gestures.ts';

export type LiveGesture =
  | { readonly kind: 'swipe'; readonly index: number; readonly side: SwipeSide; readonly offset: number; readonly armed: boolean }
  | { readonly kind: 'pull'; readonly distance: number; readonly armed: boolean };

export interface GestureActions {
  readonly onSwipe: (index: number, side: SwipeSide) => void;
  /** Absent: a long press does nothing. */
  readonly onHold?: (index: number) => void;
  /** Absent: a pull does nothing (a list that is not one folder, such as search results). */
  readonly onPull?: () => void;
}

interface Tracking {
  readonly pointerId: number;
  /** The row under the pointer at its start; -1: none. */
  readonly index: number;
  readonly samples: Sample[];
  readonly atTop: boolean;
  readonly width: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * The row index of an element of the list: a virtual list's rows have ids `<prefix>-<index>`,
 * a plain list's swipeable rows say it in `data-row` (a row without either does not swipe).
 */
function rowIndex(target: EventTarget | null): { index: number; width: number } {
  const row = target instanceof Element ? target.closest<HTMLElement>('[role=option], [data-row]') : null;
  const index = !row
    ? Number.NaN
    : row.dataset['row'] !== undefined
      ? Number(row.dataset['row'])
      : Number(row.id.slice(row.id.lastIndexOf('-') + 1));
  return Number.isInteger(index) && row ? { index, width: row.clientWidth } : { index: -1, width: 0 };
}

const sample = (e: PointerEvent): Sample => ({ x: e.clientX, y: e.clientY, t: e.timeStamp });

export function useListGestures(actions: GestureActions) {
  const tracking = useRef<Tracking | undefined>(undefined);
  const last = useRef<Gesture['kind']>('none');
  /** A gesture ended on this press: its click must not open the mail. */
  const swallowClick = useRef(false);
  const [live, setLive] = useState<LiveGesture | undefined>(undefined);
  const read = (t: Tracking, now: number) => readGesture(t.samples, { width: t.width, atTop: t.atTop, now });

  const end = () => {
    clearTimeout(tracking.current?.timer);
    tracking.current = undefined;
    last.current = 'none';
    setLive(undefined);
  };

  const take = (e: PointerEvent) => {
    clearTimeout(tracking.current?.timer);
    swallowClick.current = true;
    const el = e.currentTarget as Element;
    if (!el.hasPointerCapture(e.pointerId)) el.setPointerCapture(e.pointerId);
  };

  const onPointerDown = (e: PointerEvent) => {
    if (!e.isPrimary || e.button !== 0) return;
    end();
    swallowClick.current = false;
    const { index, width } = rowIndex(e.target);
    const list = (e.currentTarget as Element).querySelector('.vlist, .screen-body');
    const t: Tracking = {
      pointerId: e.pointerId,
      index,
      samples: [sample(e)],
      atTop: !!actions.onPull && (list?.scrollTop ?? 0) <= 0,
      width,
    };
    tracking.current = t;
    // A long press selects on touch screens only: a mouse selects with Space, and a slow
    // click (or a busy page that sees the release late) must still open the mail.
    if (e.pointerType === 'mouse') return;
    t.timer = setTimeout(() => {
      if (!actions.onHold || tracking.current !== t || index < 0 || read(t, performance.now()).kind !== 'hold') return;
      swallowClick.current = true;
      end();
      actions.onHold?.(index);
    }, HOLD_MS);
  };

  const onPointerMove = (e: PointerEvent) => {
    const t = tracking.current;
    if (!t || e.pointerId !== t.pointerId) return;
    t.samples.push(sample(e));
    const g = read(t, e.timeStamp);
    last.current = g.kind;
    if (g.kind === 'scroll' || (g.kind === 'swipe' && t.index < 0)) return end();
    if (g.kind === 'swipe') {
      take(e);
      setLive({ kind: 'swipe', index: t.index, side: g.side, offset: g.offset, armed: g.armed });
    } else if (g.kind === 'pull') {
      take(e);
      setLive({ kind: 'pull', distance: g.distance, armed: g.armed });
    }
  };

  const onPointerUp = (e: PointerEvent) => {
    const t = tracking.current;
    if (!t || e.pointerId !== t.pointerId) return;
    t.samples.push(sample(e));
    const g = read(t, e.timeStamp);
    end();
    if (g.kind === 'swipe' && g.armed) actions.onSwipe(t.index, g.side);
    if (g.kind === 'pull' && g.armed) actions.onPull?.();
  };

  const onPointerCancel = (e: PointerEvent) => {
    if (tracking.current?.pointerId === e.pointerId) end();
  };

  /** A pull must not also scroll or overscroll the page (touch-action cannot tell a pull from a scroll). */
  const onTouchMove = (e: TouchEvent) => {
    if (last.current === 'pull' && e.cancelable) e.preventDefault();
  };

  const onClickCapture = (e: MouseEvent) => {
    if (!swallowClick.current) return;
    swallowClick.current = false;
    e.stopPropagation();
    e.preventDefault();
  };

  /** A long press on a touch screen opens the context menu: the hold selects instead. */
  const onContextMenu = (e: MouseEvent) => {
    if (tracking.current || swallowClick.current) e.preventDefault();
  };

  return { live, handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel, onTouchMove, onClickCapture, onContextMenu } };
}
