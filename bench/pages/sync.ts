/** The initial-sync measurement in the browser, on its own IndexedDB (bench/browser-sync.ts drives it). */
import { measureInitialSync, type InitialSyncRuns } from '../sync-core.ts';

type Result = { ok: true; runs: InitialSyncRuns } | { ok: false; error: string };

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  let result: Result;
  try {
    result = { ok: true, runs: await measureInitialSync(Number(q.get('mails') ?? 10_000), Number(q.get('pairs') ?? 7)) };
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  (window as unknown as { __bench: Result }).__bench = result;
  const state = document.getElementById('state');
  if (state) state.textContent = result.ok ? 'done' : 'failed';
}

void main();
