// Builds the MV3 extension into dist/: `npm run build`, then load dist/ as an unpacked extension.
// crxjs reads manifest.json (service worker, popup, side panel, options); the offscreen document
// is opened by code, not named in the manifest, so it is listed as an input here.
import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome116',
    // Readable stack traces from users' consoles.
    sourcemap: true,
    rollupOptions: {
      input: {
        offscreen: 'src/extension/offscreen/offscreen.html',
        popup: 'extension-ui/popup.html',
        dashboard: 'extension-ui/dashboard.html',
        options: 'extension-ui/options.html',
        // The magnet: protocol handler's page (interception).
        add: 'extension-ui/add.html',
        // "Create torrent" (opened from the popup and the dashboard).
        create: 'extension-ui/create.html',
        // Streaming: a <video> fed by the service worker's /stream/ endpoint.
        player: 'extension-ui/player.html',
      },
    },
  },
  // The OPFS storage worker (src/platform/browser) is a module worker: createSyncAccessHandle
  // exists only in dedicated workers.
  worker: { format: 'es' },
  server: { strictPort: true, port: 5173, hmr: { port: 5173 } },
});
