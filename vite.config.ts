import { resolve } from 'node:path';
import { build, defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

/** `npm start` serves the build; say where the demo is. */
function demoHint(): Plugin {
  return {
    name: 'eas-demo-hint',
    configurePreviewServer(server) {
      server.httpServer.once('listening', () => {
        const a = server.httpServer.address();
        if (a && typeof a === 'object') console.info(`\n  Demo (built-in mock, alice/alicepass): http://${a.address}:${a.port}/?demo=1\n`);
      });
    },
  };
}

/** The demo server's script in the build (src/sw.ts imports it by this name). */
const DEMO_WORKER = 'demo-sw.js';

/**
 * The demo server's own script, `demo-sw.js` (src/demo/demo-worker.ts: the mock, MSW,
 * postal-mime), built next to the app as one classic script. The service worker imports
 * it only when the demo is used (see src/sw.ts), so it is kept out of the precache too.
 * Built like vite-plugin-pwa builds sw.js: a separate Vite build without this config.
 */
function demoWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'eas-demo-worker',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    async closeBundle() {
      await build({
        root: config.root,
        base: config.base,
        mode: config.mode,
        configFile: false,
        publicDir: false,
        logLevel: 'warn',
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          target: 'es2022',
          sourcemap: true,
          outDir: config.build.outDir,
          emptyOutDir: false,
          lib: {
            entry: resolve(config.root, 'src/demo/demo-worker.ts'),
            name: 'easDemoWorker',
            formats: ['iife'],
            fileName: () => DEMO_WORKER,
          },
        },
      });
    },
  };
}

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      // src/sw.ts is our own service worker (the engine, the demo mock); Workbox only
      // injects the precache manifest into it.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // Registered by src/ui/pwa.ts with workbox-window, which shows the update prompt.
      injectRegister: false,
      registerType: 'prompt',
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        id: './',
        name: 'EAS Mail',
        short_name: 'EAS Mail',
        description: 'Offline-first Exchange ActiveSync mail, calendar, contacts and tasks',
        lang: 'en',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f4e79',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The whole shell, lazy screens included, so every screen opens offline.
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        // The page's own copy of the demo server is for the no-service-worker fallback only;
        // the worker's (demo-sw.js) is fetched by the worker that uses it, not by everyone.
        globIgnores: ['**/demo-*.js', `**/${DEMO_WORKER}`],
        rollupFormat: 'iife',
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
    demoHint(),
    demoWorker(),
  ],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 5173 },
  build: { target: 'es2022', sourcemap: true },
});
