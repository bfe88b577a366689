/**
 * Keeps the last protocol exchanges the engine reports, from app start, so the
 * inspector shows what happened before it was opened.
 */
import type { EngineClient, TraceEntry } from '../../runtime/engine-client.ts';

const LIMIT = 500;
let entries: TraceEntry[] = [];
const listeners = new Set<() => void>();

export function collectTraces(client: EngineClient): () => void {
  return client.subscribe((e) => {
    if (e.type !== 'trace') return;
    entries = [...entries.slice(-(LIMIT - 1)), e.entry];
    listeners.forEach((l) => l());
  });
}

export function traces(): readonly TraceEntry[] {
  return entries;
}

export function clearTraces(): void {
  entries = [];
  listeners.forEach((l) => l());
}

export function onTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
