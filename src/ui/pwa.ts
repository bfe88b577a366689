/**
 * Service-worker registration with workbox-window. When a new version is installed and
 * waiting, the update banner offers it; "Update" tells the waiting worker to take over
 * (SKIP_WAITING) and reloads once it controls the page. Loaded after the first paint.
 */
import { Workbox } from 'workbox-window';
import { offerUpdate } from './status/update.ts';

const CHECK_EVERY_MS = 60 * 60 * 1000;

/** Registers the worker; resolves with the registration, or undefined when that failed. */
export async function registerServiceWorker(url = `${import.meta.env.BASE_URL}sw.js`): Promise<ServiceWorkerRegistration | undefined> {
  const wb = new Workbox(url, { scope: import.meta.env.BASE_URL });
  wb.addEventListener('waiting', () =>
    offerUpdate(() => {
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    }),
  );
  try {
    const reg = await wb.register();
    setInterval(() => void wb.update(), CHECK_EVERY_MS);
    return reg;
  } catch {
    return undefined;
  }
}
