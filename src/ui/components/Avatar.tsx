/**
 * A person's round picture: their photo when there is one (a contact's Picture,
 * MS-ASCNTC 2.2.2; the directory's, MS-ASCMD 2.2.3.135), else their initials.
 * Decorative: the name is always written beside it.
 */
import { toBase64 } from '../../wbxml/base64.ts';

/** The image type of base64 data by its first bytes (JPEG, PNG, GIF); undefined for anything else. */
function imageType(base64: string): string | undefined {
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('iVBOR')) return 'image/png';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  return undefined;
}

/** A photo as a data: URL, from the base64 text of MS-ASCNTC Picture or the bytes of a GAL Picture. */
export function pictureUrl(picture: string | Uint8Array | undefined): string | undefined {
  if (picture === undefined || picture.length === 0) return undefined;
  const base64 = typeof picture === 'string' ? picture.replace(/\s+/g, '') : toBase64(picture);
  const type = imageType(base64);
  return type ? `data:${type};base64,${base64}` : undefined;
}

export interface AvatarProps {
  readonly name: string;
  /** A data: URL. */
  readonly picture?: string;
  readonly big?: boolean;
  readonly small?: boolean;
}

export function initials(name: string): string {
  const parts = name.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  const first = [...(parts[0] ?? '?')][0] ?? '?';
  // One character for Japanese and Chinese names, two initials for Latin ones.
  if (/[\u3000-\u9fff\uac00-\ud7af]/.test(first)) return first;
  return parts
    .slice(0, 2)
    .map((p) => [...p][0])
    .join('')
    .toUpperCase();
}

export function Avatar({ name, picture, big, small }: AvatarProps) {
  const cls = `avatar${big ? ' big' : ''}${small ? ' small' : ''}`;
  if (picture) return <img class={cls} src={picture} alt="" />;
  return (
    <span class={cls} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
