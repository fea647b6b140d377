/**
 * Mutations for the fuzz harness: byte-level (flips, inserts, deletes, duplicates, splices,
 * interesting integers) and structure-aware for bencode (length prefixes, integers, nesting) and
 * for length-prefixed binary frames. All randomness comes from the seeded `Rng`, so a run is
 * reproducible from its seed.
 */

/** mulberry32: small, fast, seeded; good enough to drive mutations. */
export class Rng {
  constructor(seed) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next() {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  chance(p) {
    return this.next() < p;
  }
}

const enc = new TextEncoder();

const INTERESTING_32 = [0, 1, 2, 4, 5, 13, 16, 19, 20, 64, 68, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x4001, 0x7fff, 0x8000, 0xffff,
  0x10000, 0x20000, 0x100000, 0x100040, 0x100041, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const INTERESTING_DECIMAL = ['0', '00', '-0', '-1', '1', '01', '19', '20', '255', '256', '16384', '16385', '65535', '65536',
  '1048576', '2147483647', '4294967295', '4294967296', '9007199254740991', '9007199254740992', '99999999999999999999',
  '-9007199254740992', '10000000', '10000001', '2097152', '2097153', ''];
const BENCODE_TOKENS = ['e', 'l', 'd', 'i', 'le', 'de', 'i0e', '0:', '1:a', 'lee', 'dde', 'd1:ai1ee', 'l'.repeat(8), 'e'.repeat(8)];

/** Replaces `a[start, end)` with `replacement`. */
function splice(a, start, end, replacement) {
  const out = new Uint8Array(a.length - (end - start) + replacement.length);
  out.set(a.subarray(0, start), 0);
  out.set(replacement, start);
  out.set(a.subarray(end), start + replacement.length);
  return out;
}

/** Runs of ASCII digits (bencode lengths and integers), as [start, end). */
function digitRuns(a) {
  const runs = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] >= 0x30 && a[i] <= 0x39) {
      const start = i;
      while (i < a.length && a[i] >= 0x30 && a[i] <= 0x39) i++;
      runs.push([start, i]);
    }
  }
  return runs;
}

/** Offsets of a byte value. */
function positionsOf(a, byte) {
  const out = [];
  for (let i = 0; i < a.length; i++) if (a[i] === byte) out.push(i);
  return out;
}

const MUTATORS = [
  // Bit flip.
  (rng, a) => {
    if (a.length === 0) return a;
    const b = a.slice();
    b[rng.int(b.length)] ^= 1 << rng.int(8);
    return b;
  },
  // Random byte.
  (rng, a) => {
    if (a.length === 0) return a;
    const b = a.slice();
    b[rng.int(b.length)] = rng.int(256);
    return b;
  },
  // Insert random bytes.
  (rng, a) => {
    const n = 1 + rng.int(rng.chance(0.8) ? 4 : 64);
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
    const at = rng.int(a.length + 1);
    return splice(a, at, at, bytes);
  },
  // Delete a range.
  (rng, a) => {
    if (a.length === 0) return a;
    const at = rng.int(a.length);
    const n = 1 + rng.int(Math.min(a.length - at, rng.chance(0.7) ? 4 : 256));
    return splice(a, at, at + n, new Uint8Array(0));
  },
  // Duplicate a range in place.
  (rng, a) => {
    if (a.length === 0) return a;
    const at = rng.int(a.length);
    const n = 1 + rng.int(Math.min(a.length - at, 128));
    const copy = a.slice(at, at + n);
    const to = rng.int(a.length + 1);
    return splice(a, to, to, copy);
  },
  // Truncate.
  (rng, a) => a.subarray(0, rng.int(a.length + 1)).slice(),
  // Interesting 8/16/32-bit big-endian integer (lengths, indexes, ports).
  (rng, a) => {
    const width = rng.pick([1, 2, 4]);
    if (a.length < width) return a;
    const b = a.slice();
    const at = rng.int(b.length - width + 1);
    let v = rng.pick(INTERESTING_32);
    if (rng.chance(0.3)) v = (v + rng.pick([-1, 1])) >>> 0;
    for (let i = width - 1; i >= 0; i--) {
      b[at + i] = v & 0xff;
      v = Math.floor(v / 256);
    }
    return b;
  },
  // Bencode: replace a digit run (a string length or an integer) with an interesting number.
  (rng, a) => {
    const runs = digitRuns(a);
    if (runs.length === 0) return a;
    const [start, end] = rng.pick(runs);
    let text = rng.pick(INTERESTING_DECIMAL);
    if (rng.chance(0.4)) {
      const n = Number(new TextDecoder().decode(a.subarray(start, end)));
      text = String(Math.max(0, n + rng.pick([-2, -1, 1, 2, 1000])));
    }
    return splice(a, start, end, enc.encode(text));
  },
  // Bencode: insert a structural token.
  (rng, a) => {
    const at = rng.int(a.length + 1);
    return splice(a, at, at, enc.encode(rng.pick(BENCODE_TOKENS)));
  },
  // Bencode: wrap a range in a list or dict (deeper nesting), or nest the whole input many times.
  (rng, a) => {
    if (rng.chance(0.2)) {
      const depth = rng.pick([2, 50, 99, 100, 101, 200]);
      const open = rng.chance(0.5) ? 0x6c : 0x64;
      const out = new Uint8Array(a.length + 2 * depth);
      out.fill(open, 0, depth);
      out.set(a, depth);
      out.fill(0x65, depth + a.length);
      return out;
    }
    const start = rng.int(a.length + 1);
    const end = start + rng.int(a.length - start + 1);
    const inner = a.subarray(start, end);
    const open = rng.chance(0.5) ? 'l' : 'd';
    const wrapped = new Uint8Array(inner.length + 2);
    wrapped[0] = open.charCodeAt(0);
    wrapped.set(inner, 1);
    wrapped[wrapped.length - 1] = 0x65;
    return splice(a, start, end, wrapped);
  },
  // Bencode: drop or double an 'e' (unbalanced containers).
  (rng, a) => {
    const ends = positionsOf(a, 0x65);
    if (ends.length === 0) return a;
    const at = rng.pick(ends);
    return rng.chance(0.5) ? splice(a, at, at + 1, new Uint8Array(0)) : splice(a, at, at, Uint8Array.of(0x65));
  },
];

/** A dictionary word (target-specific: keys, magic strings) inserted or overwritten. */
function dictionaryMutation(rng, a, words) {
  const word = enc.encode(rng.pick(words));
  const at = rng.int(a.length + 1);
  if (rng.chance(0.5)) return splice(a, at, at, word);
  return splice(a, at, Math.min(a.length, at + word.length), word);
}

/** Splice: a prefix of `a` joined to a suffix of another corpus item. */
function crossover(rng, a, other) {
  const cut = rng.int(a.length + 1);
  const from = rng.int(other.length + 1);
  const out = new Uint8Array(cut + other.length - from);
  out.set(a.subarray(0, cut), 0);
  out.set(other.subarray(from), cut);
  return out;
}

/**
 * One mutant of `input`: 1 to 8 stacked mutations (AFL's "havoc"), sometimes a splice with
 * another corpus item, capped at `maxLength` bytes.
 */
export function mutate(rng, input, corpus, words, maxLength) {
  let out = input;
  const rounds = 1 << rng.int(4);
  for (let i = 0; i < rounds; i++) {
    const roll = rng.next();
    if (roll < 0.08 && corpus.length > 1) out = crossover(rng, out, rng.pick(corpus));
    else if (roll < 0.2 && words.length > 0) out = dictionaryMutation(rng, out, words);
    else out = rng.pick(MUTATORS)(rng, out);
  }
  return out.length > maxLength ? out.subarray(0, maxLength).slice() : out;
}
