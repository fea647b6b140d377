/**
 * Details › Speed: a live graph of the selected torrent's download and upload rates over the
 * last minutes, from the history the offscreen document keeps (one sample a second).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { SpeedHistoryView } from '../../src/extension/messages.js';
import { formatRate } from '../popup/format.js';
import { linePoints, niceMax } from './chart-math.js';
import { t } from '../common/i18n.js';
import { useThemeVersion } from '../common/theme.js';

const HEIGHT = 160;
const LEFT = 64;

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function SpeedTab(props: { speed: SpeedHistoryView | undefined; slots: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Colours come from CSS variables: a theme switch redraws with the new ones.
  const theme = useThemeVersion();
  const speed = props.speed;
  useEffect(() => {
    const el = canvas.current;
    if (!el || !speed) return;
    const cssWidth = Math.max(200, el.clientWidth || 600);
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(cssWidth * dpr);
    el.height = Math.round(HEIGHT * dpr);
    el.style.height = `${HEIGHT}px`;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, HEIGHT);
    const plotW = cssWidth - LEFT - 4;
    const plotH = HEIGHT - 16;
    const max = niceMax([...speed.down, ...speed.up]);
    ctx.strokeStyle = cssVar(el, '--graph-grid', '#d4d4d8');
    ctx.fillStyle = cssVar(el, '--muted', '#555');
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = 8 + Math.round((plotH * i) / 4) + 0.5;
      ctx.beginPath();
      ctx.moveTo(LEFT, y);
      ctx.lineTo(LEFT + plotW, y);
      ctx.stroke();
      ctx.fillText(formatRate((max * (4 - i)) / 4), 2, y + 4);
    }
    const line = (samples: number[], color: string): void => {
      const points = linePoints(samples, props.slots, plotW, plotH, max);
      if (points.length === 0) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(LEFT + x, 8 + y) : ctx.lineTo(LEFT + x, 8 + y)));
      ctx.stroke();
    };
    line(speed.up, cssVar(el, '--graph-up', '#b45309'));
    line(speed.down, cssVar(el, '--graph-down', '#1d4ed8'));
    el.dataset['samples'] = String(speed.down.length);
    el.dataset['max'] = String(max);
  }, [speed, theme]);

  if (!speed) return <p class="muted">{t('dash_loadingSpeed')}</p>;
  const lastDown = speed.down[speed.down.length - 1] ?? 0;
  const lastUp = speed.up[speed.up.length - 1] ?? 0;
  const minutes = Math.round((props.slots * speed.intervalMs) / 60000);
  return (
    <div class="canvas-wrap">
      <p class="legend">
        <span>
          <span class="swatch" style={{ background: 'var(--graph-down)' }} />
          {t('dash_legendDown', formatRate(lastDown))}
        </span>
        <span>
          <span class="swatch" style={{ background: 'var(--graph-up)' }} />
          {t('dash_legendUp', formatRate(lastUp))}
        </span>
        <span>{t('dash_lastMinutes', String(minutes))}</span>
      </p>
      <canvas ref={canvas} class="speed-canvas" role="img" aria-label={t('dash_speedGraph', formatRate(lastDown), formatRate(lastUp))} />
    </div>
  );
}
