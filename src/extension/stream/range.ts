/**
 * HTTP Range requests for the stream endpoint (RFC 9110 §14): one byte range, the only kind media
 * elements send. Multiple ranges are answered with the first (allowed: a server may ignore or
 * coalesce ranges); a range that does not fit the file is 416.
 */

export type RangeAnswer =
  /** No Range header (or one we may ignore): 200 with the whole file. */
  | { kind: 'full' }
  /** 206: bytes start..end inclusive. */
  | { kind: 'partial'; start: number; end: number }
  /** 416 Range Not Satisfiable, with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

/** Longest Range header looked at; media elements send ~20 characters. */
const MAX_RANGE_HEADER = 256;

export function parseRange(header: string | null, size: number): RangeAnswer {
  if (header === null || header === '') return { kind: 'full' };
  if (header.length > MAX_RANGE_HEADER) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  // Another unit: RFC 9110 lets a server ignore a Range it does not understand.
  if (!m) return { kind: 'full' };
  const first = m[1]!.split(',')[0]!.trim();
  const spec = /^(\d*)\s*-\s*(\d*)$/.exec(first);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'full' };
  if (spec[1] === '') {
    // Suffix: the last N bytes.
    const n = Number(spec[2]);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(spec[1]);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (spec[2] === '') return { kind: 'partial', start, end: size - 1 };
  const last = Number(spec[2]);
  // An end before the start makes the header invalid: ignored, as RFC 9110 says.
  if (last < start) return { kind: 'full' };
  return { kind: 'partial', start, end: Number.isSafeInteger(last) ? Math.min(last, size - 1) : size - 1 };
}

/** The status and headers of the answer (Content-Type aside). */
export function rangeHeaders(answer: RangeAnswer, size: number): { status: number; headers: Record<string, string> } {
  const common = { 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  switch (answer.kind) {
    case 'full':
      return { status: 200, headers: { ...common, 'Content-Length': String(size) } };
    case 'partial':
      return {
        status: 206,
        headers: { ...common, 'Content-Length': String(answer.end - answer.start + 1), 'Content-Range': `bytes ${answer.start}-${answer.end}/${size}` },
      };
    case 'unsatisfiable':
      return { status: 416, headers: { ...common, 'Content-Range': `bytes */${size}` } };
  }
}
