import { render, type ComponentChild } from 'preact';

/** Replace the page's static placeholder (shown while scripts load) with the live page. */
export function mount(page: ComponentChild): void {
  const root = document.getElementById('app')!;
  root.textContent = '';
  render(page, root);
}
