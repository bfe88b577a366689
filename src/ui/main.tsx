import { render } from 'preact';
import { openStore } from '../store/db.ts';
import { App } from './App.tsx';
import { createRuntime } from './client.ts';
import { collectTraces } from './inspector/trace-buffer.ts';
import { startInstallWatch } from './status/install.ts';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  const store = await openStore();
  const { client, demo } = createRuntime(store);
  collectTraces(client);
  render(<App handles={{ db: store.db, client, demo }} />, root);
}

startInstallWatch(); // before anything waits: Chromium may fire beforeinstallprompt early
const root = document.getElementById('app');
if (root) void start(root);
