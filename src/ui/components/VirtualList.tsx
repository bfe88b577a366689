/**
 * A keyboard-navigable virtual list (ARIA listbox) over @tanstack/virtual-core. Rows
 * have one fixed height, so no row is ever measured and 100,000 rows cost the same as
 * 100: only the visible ones (plus overscan) exist in the DOM.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';

export interface VirtualListProps {
  readonly count: number;
  readonly rowHeight: number;
  readonly label: string;
  /** The focused row (aria-activedescendant). */
  readonly active: number;
  readonly onActive: (index: number) => void;
  /** Enter or click. */
  readonly onOpen: (index: number) => void;
  /** Other keys (Delete...) on the active row. */
  readonly onKey?: (e: KeyboardEvent, index: number) => void;
  /** The visible range changed: load what it needs. */
  readonly onRange?: (first: number, last: number) => void;
  readonly renderRow: (index: number) => ComponentChildren;
  readonly isSelected?: (index: number) => boolean;
  /** Several rows can be selected (aria-multiselectable). */
  readonly multiselectable?: boolean;
  readonly idPrefix: string;
  readonly empty?: ComponentChildren;
}

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const virtualizer = useMemo(
    () =>
      new Virtualizer<HTMLDivElement, HTMLDivElement>({
        count,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => rowHeight,
        observeElementRect,
        observeElementOffset,
        scrollToFn: elementScroll,
        overscan: 10,
        onChange: () => redraw(0),
      }),
    [],
  );
  virtualizer.setOptions({ ...virtualizer.options, count, estimateSize: () => rowHeight });
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());

  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? -1;
  useEffect(() => props.onRange?.(first, last), [first, last, count]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    props.onActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(props.active + 1),
      ArrowUp: () => move(props.active - 1),
      PageDown: () => move(props.active + page),
      PageUp: () => move(props.active - page),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => props.active >= 0 && props.onOpen(props.active),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    } else if (props.active >= 0) props.onKey?.(e, props.active);
  };

  if (count === 0 && props.empty) return <div class="vlist-empty">{props.empty}</div>;
  const activeId = props.active >= 0 && props.active < count ? `${props.idPrefix}-${props.active}` : undefined;
  return (
    <div
      ref={scrollRef}
      class="vlist"
      role="listbox"
      aria-label={props.label}
      aria-multiselectable={props.multiselectable || undefined}
      tabIndex={0}
      aria-activedescendant={activeId}
      onKeyDown={onKeyDown}
      onFocus={() => props.active < 0 && count > 0 && props.onActive(first)}
    >
      <div class="vlist-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {rows.map((r) => (
          <div
            key={r.index}
            id={`${props.idPrefix}-${r.index}`}
            role="option"
            aria-selected={props.isSelected ? props.isSelected(r.index) : r.index === props.active}
            aria-setsize={count}
            aria-posinset={r.index + 1}
            class={'vlist-row' + (r.index === props.active ? ' active' : '')}
            style={{ height: `${rowHeight}px`, transform: `translateY(${r.start}px)` }}
            onClick={() => {
              props.onActive(r.index);
              props.onOpen(r.index);
            }}
          >
            {props.renderRow(r.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
