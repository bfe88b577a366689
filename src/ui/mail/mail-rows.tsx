/**
 * The mail list's habits for the plain lists of mail (the conversations and the search
 * results; MessageList.tsx is a virtual listbox and has its own focus): a swipe runs the
 * side's action, a long press (touch, pen) starts selecting, a tap while selecting picks or
 * drops a row; the arrow keys, Home and End move the focus from row to row (one tab stop,
 * roving as in the WAI-ARIA practices), Space picks or drops, Delete deletes the row's mails
 * or the selection. A row is one link or button, named by what it shows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { useApp } from '../data/live.ts';
import { useListGestures } from './list-gestures.ts';
import { deleteMails } from './mail-actions.ts';
import { allPicked, deleteTargets, picked, rowKey, toggled, type Selection } from './selection.ts';
import { SwipeRow, useSwipeAction } from './SwipeRow.tsx';

export interface SelectionProps {
  readonly folders: readonly FolderRecord[];
  readonly selection: Selection;
  readonly onSelection: (next: Selection) => void;
  readonly onFailed: (e: unknown) => void;
}

/** Space and Delete on a row standing for `list`; returns whether the key was one of them. */
export function useRowKeyAction({ folders, selection, onSelection, onFailed }: SelectionProps) {
  const { client } = useApp();
  return (e: KeyboardEvent, list: readonly ItemRecord[]): boolean => {
    const key = rowKey(e.key);
    if (!key || list.length === 0) return false;
    e.preventDefault();
    if (key === 'toggle') {
      onSelection(toggled(selection, list));
      return true;
    }
    const targets = deleteTargets(selection, list);
    if (selection?.size) onSelection(null);
    deleteMails(client, folders, targets).catch(onFailed);
    return true;
  };
}

const FOCUS = 'row-focus';

/**
 * One tab stop over the rows' links and buttons (class FOCUS, in screen order): the arrows
 * move it; when the focused row goes (deleted), the row now at its place takes the focus.
 */
export function useRovingFocus() {
  const box = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const lost = useRef<number | undefined>(undefined);
  const targets = () => [...(box.current?.getElementsByClassName(FOCUS) ?? [])] as HTMLElement[];
  useEffect(() => {
    const all = targets();
    if (active >= all.length && all.length > 0) setActive(all.length - 1);
    const at = lost.current;
    if (at === undefined || (document.activeElement && document.activeElement !== document.body)) return;
    lost.current = undefined;
    all[Math.min(at, all.length - 1)]?.focus();
  });
  const onFocusIn = (e: FocusEvent) => {
    const i = targets().indexOf(e.target as HTMLElement);
    if (i < 0) return;
    setActive(i);
    // The user went on to another row: the deleted one's place no longer calls the focus back.
    lost.current = undefined;
  };
  /** Moves the focus on an arrow, Home or End; returns whether it did. */
  const move = (e: KeyboardEvent): boolean => {
    const all = targets();
    const i = all.indexOf(e.target as HTMLElement);
    const to = i < 0 ? undefined : ({ ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return false;
    e.preventDefault();
    all[Math.max(0, Math.min(all.length - 1, to))]?.focus();
    return true;
  };
  return { box, onFocusIn, move, tabIndex: (i: number) => (i === active ? 0 : -1), keepFocus: (i: number) => (lost.current = i) };
}

export interface RowLook {
  /** Opens the mail; absent: the row is a button (a conversation's head). */
  readonly href?: string;
  readonly onClick?: () => void;
  readonly class?: string;
  readonly expanded?: boolean;
}

/** The rows of one plain list: `row` renders one, `container` goes on the element around them all. */
export function useMailRows(props: SelectionProps & { readonly onPull?: () => void }) {
  const { folders, selection, onSelection } = props;
  // The rows in screen order, as this render draws them (the gestures and keys find theirs by index).
  const rows: (readonly ItemRecord[])[] = [];
  const swipe = useSwipeAction(folders, props.onFailed);
  const focus = useRovingFocus();
  const keyAction = useRowKeyAction(props);
  const { live, handlers } = useListGestures({
    onSwipe: (index, side) => rows[index] && swipe.act(rows[index], side),
    onHold: (index) => rows[index] && !allPicked(selection, rows[index]) && onSelection(picked(selection, rows[index], true)),
    ...(props.onPull ? { onPull: props.onPull } : {}),
  });
  const onKeyDown = (e: KeyboardEvent) => {
    if (focus.move(e)) return;
    const target = e.target as HTMLElement;
    const index = Number(target.closest<HTMLElement>('[data-row]')?.dataset['row']);
    const list = target.classList.contains(FOCUS) ? rows[index] : undefined;
    if (list && keyAction(e, list) && rowKey(e.key) === 'delete') focus.keepFocus(index);
  };

  const row = (list: readonly ItemRecord[], body: ComponentChildren, look: RowLook = {}) => {
    const index = rows.push(list) - 1;
    const selecting = selection !== null;
    const isPicked = allPicked(selection, list);
    const onClickCapture = (e: MouseEvent) => {
      if (!selecting) return;
      e.preventDefault();
      e.stopPropagation();
      onSelection(toggled(selection, list));
    };
    return (
      <div data-row={index} class={'swipe-list-row' + (isPicked ? ' picked' : '')} onClickCapture={onClickCapture}>
        <SwipeRow swipe={live?.kind === 'swipe' && live.index === index ? live : undefined} items={list} folders={folders}>
          <RowTarget look={look} tabIndex={focus.tabIndex(index)} pressed={selecting ? isPicked : undefined}>
            {body}
          </RowTarget>
        </SwipeRow>
      </div>
    );
  };
  return { row, live, dialog: swipe.dialog, container: { ...handlers, ref: focus.box, onKeyDown, onFocusIn: focus.onFocusIn } };
}

/** The row's one focusable element. While selecting a link picks instead of opening (a button), yet stays the same element, so the focus stays on it. */
function RowTarget({
  look,
  tabIndex,
  pressed,
  children,
}: {
  look: RowLook;
  tabIndex: number;
  pressed: boolean | undefined;
  children: ComponentChildren;
}) {
  const common = { class: FOCUS + (look.class ? ` ${look.class}` : ''), tabIndex, draggable: false, 'aria-pressed': pressed };
  if (look.href)
    return (
      <a href={look.href} role={pressed === undefined ? undefined : 'button'} {...common}>
        {children}
      </a>
    );
  return (
    <button type="button" {...common} aria-expanded={look.expanded} onClick={look.onClick}>
      {children}
    </button>
  );
}
