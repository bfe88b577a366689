/**
 * Service-worker registration with workbox-window. When a new version is installed and
 * waiting, the update banner offers it; "Update" tells the waiting worker to take over
 * (SKIP_WAITING) and reloads once it controls the page. Loaded after the first paint.
 */
import { Workbox } from 'workbox-window';
import { offerUpdate } from './status/update.ts';

const CHECK_EVERY_MS = 60 * 60 * 1000;
const BASE = import.meta.env.BASE_URL;
/** The worker that carries the demo server (src/sw.ts imports demo-sw.js when it is this URL). */
const DEMO_WORKER = `${BASE}sw.js?demo=1`;

const isDemoWorker = (w: ServiceWorker | null | undefined): boolean => !!w && new URL(w.scriptURL).searchParams.get('demo') === '1';

/**
 * Registers the worker; resolves with the registration, or undefined when that failed.
 * With `demo`, or once this origin's worker is the demo one, it is `sw.js?demo=1`:
 * registering plain `sw.js` then would replace it by a worker without the demo.
 */
export async function registerServiceWorker(demo = false): Promise<ServiceWorkerRegistration | undefined> {
  const current = await navigator.serviceWorker.getRegistration(BASE).catch(() => undefined);
  const keep = isDemoWorker(current?.active ?? current?.waiting ?? current?.installing);
  const wb = new Workbox(demo || keep ? DEMO_WORKER : `${BASE}sw.js`, { scope: BASE });
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

/**
 * Makes the worker the demo one (first use of the demo): registers `sw.js?demo=1`,
 * which takes over at once (src/sw.ts), and resolves when it is the active worker.
 */
export async function useDemoWorker(): Promise<void> {
  // Registering again would make the browser check the script for an update: not when it is already the one.
  if (isDemoWorker((await navigator.serviceWorker.getRegistration(BASE))?.active)) return;
  const reg = await navigator.serviceWorker.register(DEMO_WORKER, { scope: BASE });
  const worker = reg.installing ?? reg.waiting ?? reg.active;
  if (worker) await activated(worker);
}

function activated(worker: ServiceWorker): Promise<void> {
  return new Promise((ok, fail) => {
    const check = () => {
      if (worker.state === 'activated') ok();
      else if (worker.state === 'redundant') fail(new Error('the demo server could not be installed'));
    };
    worker.addEventListener('statechange', check);
    check();
  });
}
