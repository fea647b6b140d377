import { render, type ComponentChild } from 'preact';
import { applyCachedTheme } from '../common/theme.js';

/** Replace the page's static placeholder (shown while scripts load) with the live page. */
export function mount(page: ComponentChild): void {
  applyCachedTheme();
  const root = document.getElementById('app')!;
  root.textContent = '';
  render(page, root);
}
