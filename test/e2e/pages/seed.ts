/** Seeds the app's database with the demo data, then opens the app (e2e only). */
import { openStore } from '../../../src/store/db.ts';
import { seedDemo } from './demo-data.ts';

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const store = await openStore();
  await seedDemo(store, { mails: Number(q.get('mails') ?? 240), bulk: Number(q.get('bulk') ?? 0) });
  store.close();
  const state = document.getElementById('state');
  if (state) state.textContent = 'seeded';
  (window as unknown as { __seeded: boolean }).__seeded = true;
}

void main();
