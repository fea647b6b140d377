// The set-up most extension e2e files share: the extension and host built, a workspace, a UDP/HTTP
// tracker, and every browser and profile the tests open closed and removed at the end.
import { afterAll, beforeAll } from 'vitest';
import { startTracker, type Tracker } from '../../../interop/harness/tracker.js';
import { createWorkspace, type Workspace } from '../../../interop/harness/workspace.js';
import { ensureBuilt } from './build.js';
import type { ExtensionBrowser, Profile } from './extension-browser.js';

export interface ExtensionSuite {
  /** Set in beforeAll. */
  readonly ws: Workspace;
  readonly tracker: Tracker;
  /** Push what a test opens: closed (browsers) and removed (profiles) after the file. */
  readonly browsers: ExtensionBrowser[];
  readonly profiles: Profile[];
}

export function extensionSuite(label: string): ExtensionSuite {
  let ws: Workspace | undefined;
  let tracker: Tracker | undefined;
  const browsers: ExtensionBrowser[] = [];
  const profiles: Profile[] = [];
  beforeAll(async () => {
    await ensureBuilt();
    ws = await createWorkspace(label);
    const started = await startTracker({ intervalMs: 2_000 });
    tracker = started;
    ws.onCleanup(() => started.close());
  }, 300_000);
  afterAll(async () => {
    for (const b of browsers) await b.close();
    for (const p of profiles) await p.remove();
    await ws?.cleanup();
  });
  return {
    get ws() {
      if (!ws) throw new Error('the suite is not set up yet');
      return ws;
    },
    get tracker() {
      if (!tracker) throw new Error('the suite is not set up yet');
      return tracker;
    },
    browsers,
    profiles,
  };
}
