/** A small inline SVG icon set (24×24, stroked); decorative unless given a label. */
const PATHS = {
  mail: 'M3 6h18v12H3z M3 6l9 7 9-7',
  calendar: 'M4 5h16v15H4z M4 10h16 M8 3v4 M16 3v4',
  contacts: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4 4-6 8-6s8 2 8 6',
  tasks: 'M4 6l2 2 4-4 M12 7h8 M4 13l2 2 4-4 M12 14h8 M12 20h8 M5 20h2',
  settings:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M19 12a7 7 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7 7 0 0 0-2-1.2L14 3h-4l-.5 2.6a7 7 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7 7 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7 7 0 0 0 2 1.2L10 21h4l.5-2.6a7 7 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z',
  inspector: 'M8 7l-5 5 5 5 M16 7l5 5-5 5 M13 5l-2 14',
  menu: 'M4 6h16 M4 12h16 M4 18h16',
  back: 'M15 5l-7 7 7 7',
  forwardArrow: 'M9 5l7 7-7 7',
  sync: 'M20 11a8 8 0 0 0-14-4.5L4 9 M4 4v5h5 M4 13a8 8 0 0 0 14 4.5l2-2.5 M20 20v-5h-5',
  compose: 'M4 20h4L19 9l-4-4L4 16z M13 7l4 4',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z M15.5 15.5L20 20',
  reply: 'M10 8L4 13l6 5 M4 13h10a6 6 0 0 1 6 6',
  threads: 'M4 5h12v8H9l-3 3v-3H4z M18 9h2v8h-2v3l-3-3h-5v-2',
  replyAll: 'M11 8l-6 5 6 5 M7 8l-6 5 6 5 M5 13h9a6 6 0 0 1 6 6',
  forward: 'M14 8l6 5-6 5 M20 13H10a6 6 0 0 0-6 6',
  trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13',
  flag: 'M5 21V4 M5 4h11l-2 4 2 4H5',
  folder: 'M3 6h7l2 2h9v11H3z',
  inbox: 'M3 13l3-8h12l3 8v6H3z M3 13h5l1 2h6l1-2h5',
  send: 'M3 20l18-8L3 4l3 8z M6 12h15',
  outbox: 'M12 16V4 M7 9l5-5 5 5 M4 14v6h16v-6',
  attach: 'M20 11l-8 8a5 5 0 0 1-7-7l8-8a3.5 3.5 0 0 1 5 5l-8 8a2 2 0 0 1-3-3l7-7',
  plus: 'M12 5v14 M5 12h14',
  close: 'M6 6l12 12 M18 6L6 18',
  check: 'M5 12l5 5 9-10',
  move: 'M3 6h7l2 2h9v11H3z M10 13h6 M13 10l3 3-3 3',
  read: 'M3 9l9-6 9 6v11H3z M3 9l9 6 9-6',
  edit: 'M4 20h4L19 9l-4-4L4 16z',
  offline: 'M2 8a16 16 0 0 1 20 0 M5 12a11 11 0 0 1 14 0 M9 16a5 5 0 0 1 6 0 M3 3l18 18',
  warn: 'M12 3l10 18H2z M12 10v5 M12 18v.5',
  download: 'M12 4v12 M7 11l5 5 5-5 M4 20h16',
  image: 'M3 5h18v14H3z M3 16l5-5 4 4 3-3 6 6 M15 9.5a1.5 1.5 0 1 0 0-.1',
  phone: 'M5 4h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 6a2 2 0 0 1 2-2',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4 4-6 8-6s8 2 8 6',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z M12 7v5l3 2',
  pin: 'M12 21s7-6 7-12a7 7 0 0 0-14 0c0 6 7 12 7 12z M12 11a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  repeat: 'M4 12V9a3 3 0 0 1 3-3h12 M16 3l3 3-3 3 M20 12v3a3 3 0 0 1-3 3H5 M8 21l-3-3 3-3',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4z M10 21h4',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, label, size = 20 }: { name: IconName; label?: string; size?: number }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : 'true'}
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
