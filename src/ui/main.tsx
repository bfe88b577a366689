import { render } from 'preact';
import { openStore } from '../store/db.ts';
import { App } from './App.tsx';
import { demoRequested, isDemoAccount } from './demo/demo-mode.ts';
import { createRuntime } from '../runtime/start.ts';
import { collectTraces } from './inspector/trace-buffer.ts';
import { startInstallWatch } from './status/install.ts';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  const store = await openStore();
  // The registration is its own chunk (workbox-window), loaded after the first paint.
  const { client, demo } = createRuntime(store, {
    registerServiceWorker: async () => {
      const demoWanted = demoRequested() || (await store.db.getAll('accounts')).some(isDemoAccount);
      return (await import('./pwa.ts')).registerServiceWorker(demoWanted);
    },
    useDemoWorker: async () => (await import('./pwa.ts')).useDemoWorker(),
  });
  collectTraces(client);
  render(<App handles={{ db: store.db, client, demo }} />, root);
}

startInstallWatch(); // before anything waits: Chromium may fire beforeinstallprompt early
const root = document.getElementById('app');
if (root) void start(root);
