/**
 * A checkbox for a value kept in the store: it shows the user's choice at once and keeps
 * showing it until the store holds it too. A controlled checkbox that waited for the store
 * went back to the old state at any render in between (a sync's progress, say), so a click
 * seemed lost. A write that fails shows the stored value again.
 */
import { useEffect, useState } from 'preact/hooks';

interface StoredCheckboxProps {
  readonly value: boolean;
  readonly onSet: (value: boolean) => Promise<unknown>;
}

export function StoredCheckbox({ value, onSet }: StoredCheckboxProps) {
  const [chosen, setChosen] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    if (chosen === value) setChosen(undefined);
  }, [value, chosen]);
  const change = (next: boolean) => {
    setChosen(next);
    onSet(next).catch(() => setChosen(undefined));
  };
  return <input type="checkbox" checked={chosen ?? value} onChange={(e) => change(e.currentTarget.checked)} />;
}
