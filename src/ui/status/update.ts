/**
 * The "a new version is ready" state, fed by the service-worker registration (pwa.ts,
 * loaded later) and read by the update banner. No Workbox code here: this module is
 * in the first chunk.
 */
import { useEffect, useState } from 'preact/hooks';

export type Apply = () => void;
let pending: Apply | undefined;
const listeners = new Set<(apply: Apply | undefined) => void>();

/** A new version waits; `apply` switches to it (and reloads). */
export function offerUpdate(apply: Apply): void {
  pending = apply;
  listeners.forEach((l) => l(apply));
}

/** The pending update's "apply", or undefined while the running version is the newest. */
export function useUpdate(): Apply | undefined {
  const [apply, setApply] = useState<Apply | undefined>(() => pending);
  useEffect(() => {
    const l = (a: Apply | undefined) => setApply(() => a);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return apply;
}
