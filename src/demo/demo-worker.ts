/**
 * The demo server as its own classic script (`demo-sw.js`, built by vite.config.ts):
 * the service worker imports it with importScripts only when the demo is used (see
 * src/sw.ts), so the mock, MSW and postal-mime stay out of the worker everyone loads.
 * The script leaves `createDemo` on the worker's global scope.
 */
import './storage-shim.ts';
import { createDemo } from './demo.ts';

/** What demo-sw.js adds to the worker's global scope. */
export interface DemoScope {
  easDemo?: { readonly createDemo: typeof createDemo };
}

(globalThis as DemoScope).easDemo = { createDemo };
