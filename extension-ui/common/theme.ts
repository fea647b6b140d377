/**
 * Applies the theme preference (system/light/dark) to the page: `<html data-theme>` selects the
 * colours in theme.css. The last choice is cached in localStorage so a page opens in the right
 * colours before the service worker's first snapshot arrives.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Snapshot } from '../../src/extension/messages.js';
import type { ThemeSetting } from '../../src/extension/preferences.js';

const CACHE_KEY = 'torrentedge-theme';

export function applyTheme(theme: ThemeSetting): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(CACHE_KEY, theme);
  } catch {
    // Storage blocked: the snapshot still applies it.
  }
}

/** At page start: the cached theme, if any. */
export function applyCachedTheme(): void {
  try {
    const cached = localStorage.getItem(CACHE_KEY);
    if (cached === 'light' || cached === 'dark') document.documentElement.dataset.theme = cached;
  } catch {
    // nothing cached
  }
}

/** Follows the theme in the snapshot's preferences. */
export function useTheme(snapshot: Snapshot): void {
  const theme = snapshot.preferences?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
}

/**
 * A number that changes whenever the page's colours may have: the theme preference
 * (`<html data-theme>`) or, under "system", the system scheme. Canvas drawings read their colours
 * from CSS variables once per draw, so they list this among their effect's inputs to redraw.
 */
export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = (): void => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      scheme.removeEventListener('change', bump);
    };
  }, []);
  return version;
}
