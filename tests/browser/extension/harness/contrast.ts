// WCAG contrast of what a page shows: the lowest ratio between an element's text colour and the
// background behind it (the same measure as ui-look.test.ts, shared for pages tested elsewhere).
import type { Page } from 'puppeteer';

/** The lowest contrast ratio between an element's text colour and the page background. */
export async function worstContrast(page: Page): Promise<{ ratio: number; what: string }> {
  return page.evaluate(() => {
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: string): number => {
      const [r, g, b] = parse(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const backgroundOf = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        const alpha = parse(bg)[3];
        if (bg && !bg.endsWith(', 0)') && alpha !== 0 && bg !== 'transparent') return bg;
      }
      return getComputedStyle(document.body).backgroundColor;
    };
    let worst = { ratio: 99, what: '' };
    const texts = Array.from(document.querySelectorAll('main *')).filter(
      (el) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '') && (el as HTMLElement).offsetParent !== null,
    );
    for (const el of texts) {
      const a = lum(getComputedStyle(el).color);
      const b = lum(backgroundOf(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < worst.ratio) worst = { ratio, what: `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent!.trim().slice(0, 30)}` };
    }
    return worst;
  });
}
