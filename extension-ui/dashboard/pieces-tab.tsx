/**
 * Details › Pieces: the verified pieces of the selected torrent drawn on a canvas from the compact
 * bitfield the engine publishes for it (one cell per piece, or cells shaded by the share of their
 * pieces present when there are more pieces than cells). Redrawn when the data or the theme
 * changes.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { TorrentDetail } from '../../src/extension/messages.js';
import { decodeBitfield, pieceCells } from './chart-math.js';
import { t } from '../common/i18n.js';
import { useThemeVersion } from '../common/theme.js';

const CELL = 8;
const GAP = 1;
const MAX_ROWS = 40;

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function PiecesTab(props: { detail: TorrentDetail | undefined; piecesHave: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Colours come from CSS variables: a theme switch redraws with the new ones.
  const theme = useThemeVersion();
  const detail = props.detail;
  useEffect(() => {
    const el = canvas.current;
    if (!el || !detail || detail.pieceCount === 0) return;
    const cssWidth = Math.max(100, el.clientWidth || 600);
    const perRow = Math.max(1, Math.floor(cssWidth / (CELL + GAP)));
    const cellCount = Math.min(detail.pieceCount, perRow * MAX_ROWS);
    const rows = Math.ceil(cellCount / perRow);
    const cssHeight = rows * (CELL + GAP);
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.round(cssWidth * dpr);
    el.height = Math.round(cssHeight * dpr);
    el.style.height = `${cssHeight}px`;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const have = cssVar(el, '--piece-have', '#0f766e');
    const missing = cssVar(el, '--piece-missing', '#e5e7eb');
    const cells = pieceCells(decodeBitfield(detail.pieces), detail.pieceCount, cellCount);
    for (let i = 0; i < cells.length; i++) {
      const x = (i % perRow) * (CELL + GAP);
      const y = Math.floor(i / perRow) * (CELL + GAP);
      ctx.fillStyle = missing;
      ctx.fillRect(x, y, CELL, CELL);
      const share = cells[i]!;
      if (share > 0) {
        ctx.globalAlpha = share === 1 ? 1 : 0.3 + 0.7 * share;
        ctx.fillStyle = have;
        ctx.fillRect(x, y, CELL, CELL);
        ctx.globalAlpha = 1;
      }
    }
    el.dataset['cells'] = String(cells.length);
    el.dataset['drawn'] = String(Date.now());
  }, [detail?.pieces, detail?.pieceCount, theme]);

  if (!detail) return <p class="muted">{t('dash_loadingPieces')}</p>;
  if (detail.pieceCount === 0) return <p class="muted">{t('dash_piecesUnknown')}</p>;
  return (
    <div class="canvas-wrap">
      <p class="legend">
        <span>
          <span class="swatch" style={{ background: 'var(--piece-have)' }} />
          {t('dash_verified')}
        </span>
        <span>
          <span class="swatch" style={{ background: 'var(--piece-missing)' }} />
          {t('dash_missing')}
        </span>
        <span>
          {t('dash_piecesCount', String(props.piecesHave), String(detail.pieceCount))}
        </span>
      </p>
      <canvas ref={canvas} class="pieces-canvas" role="img" aria-label={t('dash_pieceMap', String(props.piecesHave), String(detail.pieceCount))} />
    </div>
  );
}
