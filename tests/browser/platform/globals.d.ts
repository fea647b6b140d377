import type { TestApi } from './page.js';

declare global {
  /** Set by page.ts inside the test page; used only inside page.evaluate callbacks. */
  var te: TestApi;
}
