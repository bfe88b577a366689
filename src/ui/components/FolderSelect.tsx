/**
 * A choice among the folders of one class (contacts, tasks): the folder tree the server
 * gives, subfolders indented under their parent, each named as the user sees it. The
 * last choice is kept in this browser, per screen, so new items go where the user looks.
 */
import type { FolderRecord } from '../../store/schema.ts';
import type { TreeRow } from '../mail/folders.ts';
import { Field } from './Field.tsx';

/** accountId + '/' + folder ServerId: folders of two accounts may share a ServerId. */
export const folderKey = (f: Pick<FolderRecord, 'accountId' | 'serverId'>): string => `${f.accountId}/${f.serverId}`;

const storageKey = (screen: string) => `eas-pwa.${screen}.folder`;

export function loadFolderChoice(screen: string): string {
  return localStorage.getItem(storageKey(screen)) ?? '';
}

export function saveFolderChoice(screen: string, key: string): void {
  if (key) localStorage.setItem(storageKey(screen), key);
  else localStorage.removeItem(storageKey(screen));
}

/** The folder new items go to: the chosen one if it is still there, else the class's default (by Type), else the first. */
export function targetFolder(rows: readonly TreeRow[], chosen: string, defaultType: number): FolderRecord | undefined {
  const folders = rows.map((r) => r.folder);
  return folders.find((f) => folderKey(f) === chosen) ?? folders.find((f) => f.type === defaultType && f.owner === undefined) ?? folders[0];
}

export interface FolderSelectProps {
  readonly label: string;
  readonly rows: readonly TreeRow[];
  readonly value: string;
  readonly onChange: (key: string) => void;
  readonly name: (f: FolderRecord) => string;
  /** The first choice, "every folder", with this text (value ''). */
  readonly all?: string;
}

export function FolderSelect({ label, rows, value, onChange, name, all }: FolderSelectProps) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {rows.map(({ folder, depth }) => (
          <option key={folderKey(folder)} value={folderKey(folder)}>
            {'\u2003'.repeat(depth) + name(folder)}
          </option>
        ))}
      </select>
    </Field>
  );
}
