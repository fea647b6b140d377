/**
 * An IP blocklist the user loads: peers at these addresses are never dialed nor accepted.
 *
 * Formats, one entry a line (mixed freely):
 *   - CIDR or a single address: `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`
 *   - the P2P (PeerGuardian) range format: `name:1.2.3.4-1.2.3.255` (the name may hold colons;
 *     zero-padded parts such as `001.002.003.004` are read as decimal, as those lists write them)
 *   - a bare range: `1.2.3.4-1.2.3.255`
 * Blank lines and lines starting with `#` or `//` are comments. A line that is none of these is
 * an error naming the line: a list read half-way would block less than the user believes.
 *
 * Lookups are O(log n): ranges are sorted and merged once.
 */
import { parseIPv6 } from '../wire/ip-address.js';
import { TorrentError } from '../util/errors.js';

export interface BlocklistLimits {
  /** Bytes of list text at most. */
  maxBytes: number;
  /** Entries at most (well-known lists have a few hundred thousand). */
  maxEntries: number;
  /** Characters in one line at most. */
  maxLineLength: number;
}

export const DEFAULT_BLOCKLIST_LIMITS: BlocklistLimits = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxLineLength: 1_000,
});

interface Ranges<T> {
  starts: T[];
  ends: T[];
}

export class IpBlocklist {
  private constructor(
    private readonly v4: { starts: Uint32Array; ends: Uint32Array },
    private readonly v6: Ranges<bigint>,
    /** Entries read (before merging). */
    readonly entryCount: number,
  ) {}

  /** Parse list text (or its bytes, UTF-8). Throws a TorrentError('usage') naming the bad line. */
  static parse(input: string | Uint8Array, limits: Partial<BlocklistLimits> = {}): IpBlocklist {
    const lim = { ...DEFAULT_BLOCKLIST_LIMITS, ...limits };
    const size = typeof input === 'string' ? input.length : input.byteLength;
    if (size > lim.maxBytes) throw new TorrentError('usage', `blocklist is too large: ${size} bytes (at most ${lim.maxBytes})`);
    if (typeof input !== 'string' && input[0] === 0x1f && input[1] === 0x8b) {
      throw new TorrentError('usage', 'blocklist is gzip-compressed: decompress it first (gunzip)');
    }
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
    const v4: [number, number][] = [];
    const v6: [bigint, bigint][] = [];
    let entries = 0;
    let lineNo = 0;
    for (const raw of text.split('\n')) {
      lineNo++;
      if (raw.length > lim.maxLineLength) throw new TorrentError('usage', `blocklist line ${lineNo}: longer than ${lim.maxLineLength} characters`);
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
      if (++entries > lim.maxEntries) throw new TorrentError('usage', `blocklist has more than ${lim.maxEntries} entries`);
      const range = parseEntry(line);
      if (typeof range === 'string') throw new TorrentError('usage', `blocklist line ${lineNo}: ${range}: ${JSON.stringify(line.slice(0, 80))}`);
      if (range.family === 4) v4.push([range.start, range.end]);
      else v6.push([range.start, range.end]);
    }
    const m4 = merge(v4, 1);
    const m6 = merge(v6, 1n);
    return new IpBlocklist({ starts: Uint32Array.from(m4.starts), ends: Uint32Array.from(m4.ends) }, m6, entries);
  }

  /** An empty list (blocks nothing). */
  static empty(): IpBlocklist {
    return IpBlocklist.parse('');
  }

  /** Merged ranges held (IPv4 + IPv6). */
  get rangeCount(): number {
    return this.v4.starts.length + this.v6.starts.length;
  }

  /** Does the list name this address? Hosts that are not IP addresses are not blocked. */
  blocks(host: string): boolean {
    const v4 = parseV4(host);
    if (v4 !== null) return find(this.v4, v4);
    const bytes = parseIPv6(host);
    if (!bytes) return false;
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
    if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
      return find(this.v4, ((bytes[12]! << 24) | (bytes[13]! << 16) | (bytes[14]! << 8) | bytes[15]!) >>> 0);
    }
    return find(this.v6, toBig(bytes));
  }
}

type Entry = { family: 4; start: number; end: number } | { family: 6; start: bigint; end: bigint };

/** A range, or why the line is not one. */
function parseEntry(line: string): Entry | string {
  const dash = line.lastIndexOf('-');
  if (dash > 0) {
    // P2P format: the range follows the last colon before the dash (IPv4 ranges only).
    const colon = line.lastIndexOf(':', dash);
    const from = line.slice(colon + 1, dash).trim();
    const to = line.slice(dash + 1).trim();
    const a = parseV4(from);
    const b = parseV4(to);
    if (a === null || b === null) return 'not an IPv4 range (name:first-last)';
    if (a > b) return 'range ends before it starts';
    return { family: 4, start: a, end: b };
  }
  const slash = line.indexOf('/');
  const addr = slash < 0 ? line : line.slice(0, slash);
  const bitsText = slash < 0 ? undefined : line.slice(slash + 1);
  const v4 = parseV4(addr);
  if (v4 !== null) {
    const bits = bitsText === undefined ? 32 : prefix(bitsText, 32);
    if (bits === null) return 'prefix length must be 0 to 32';
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const start = (v4 & mask) >>> 0;
    return { family: 4, start, end: (start | (~mask >>> 0)) >>> 0 };
  }
  const v6 = parseIPv6(addr);
  if (v6) {
    const bits = bitsText === undefined ? 128 : prefix(bitsText, 128);
    if (bits === null) return 'prefix length must be 0 to 128';
    const hostBits = (1n << BigInt(128 - bits)) - 1n;
    const start = toBig(v6) & ~hostBits & ((1n << 128n) - 1n);
    return { family: 6, start, end: start | hostBits };
  }
  return 'not an address, CIDR block or range';
}

function prefix(text: string, max: number): number | null {
  if (!/^\d{1,3}$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/** Dotted quad to a number; zero-padded parts allowed (P2P lists write `001.002.003.004`). */
function parseV4(text: string): number | null {
  // A hand loop: lists have hundreds of thousands of lines, and split/regex per part cost most of the parse.
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 0x30);
    } else if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++parts > 4) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return null;
  }
  return parts === 4 ? value : null;
}

function toBig(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Sort and merge overlapping or touching ranges. */
function merge<T extends number | bigint>(ranges: [T, T][], one: T): Ranges<T> {
  ranges.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [s, e] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && s <= ((ends[last]! as number) + (one as number))) {
      if (e > ends[last]!) ends[last] = e;
    } else {
      starts.push(s);
      ends.push(e);
    }
  }
  return { starts, ends };
}

/** Binary search: the last range starting at or before `x`, and whether it reaches `x`. */
function find<T extends number | bigint>(ranges: { starts: ArrayLike<T>; ends: ArrayLike<T> }, x: T): boolean {
  let lo = 0;
  let hi = ranges.starts.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges.starts[mid]! <= x) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && x <= ranges.ends[at]!;
}
