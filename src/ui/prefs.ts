/** User preferences the shell keeps: language choice and the inspector switch. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { LangChoice } from './i18n/index.ts';

export interface Prefs {
  readonly langChoice: LangChoice;
  setLangChoice(choice: LangChoice): void;
  readonly inspector: boolean;
  setInspector(on: boolean): void;
}

export const PrefsContext = createContext<Prefs | null>(null);

export function usePrefs(): Prefs {
  const p = useContext(PrefsContext);
  if (!p) throw new Error('PrefsContext is missing');
  return p;
}
