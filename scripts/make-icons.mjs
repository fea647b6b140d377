// Draws the extension's icons (public/icons/icon-N.png): a teal rounded square with a white
// download arrow. Plain PNG encoding with node:zlib, so no image tool is needed. Run once after
// changing the design: `node scripts/make-icons.mjs`.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../public/icons/', import.meta.url));
const SIZES = [16, 32, 48, 128];
const BACKGROUND = [0x0f, 0x76, 0x6e]; // teal-700: white on it passes WCAG AA contrast
const FOREGROUND = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Coverage (0..1) of pixel (x, y) by the icon's shapes, supersampled 4×4 for smooth edges. */
function coverage(size, x, y) {
  let bg = 0;
  let fg = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size; // 0..1
      const v = (y + (sy + 0.5) / 4) / size;
      const r = 0.2; // corner radius
      const cx = Math.min(Math.max(u, r), 1 - r);
      const cy = Math.min(Math.max(v, r), 1 - r);
      if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) continue;
      bg++;
      const shaft = Math.abs(u - 0.5) < 0.09 && v > 0.18 && v < 0.55;
      const head = v >= 0.5 && v < 0.72 && Math.abs(u - 0.5) < 0.26 - (v - 0.5) * (0.26 / 0.22);
      const tray = v > 0.76 && v < 0.84 && u > 0.22 && u < 0.78;
      if (shaft || head || tray) fg++;
    }
  }
  return [bg / 16, fg / 16];
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const [bg, fg] = coverage(size, x, y);
      const mix = bg > 0 ? fg / bg : 0;
      for (let i = 0; i < 3; i++) row[1 + x * 4 + i] = Math.round(BACKGROUND[i] * (1 - mix) + FOREGROUND[i] * mix);
      row[1 + x * 4 + 3] = Math.round(bg * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) writeFileSync(`${OUT}icon-${size}.png`, png(size));
console.log(`wrote ${SIZES.map((s) => `icon-${s}.png`).join(', ')} to ${OUT}`);
