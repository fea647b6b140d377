/**
 * Fuzz targets over the compiled engine (build/, made by `npm run build:node`). Each target runs
 * one input and checks invariants, not just "no throw":
 * - only the module's documented error may escape (TorrentError of the listed kinds, or
 *   RelayProtocolError); parsers documented as "returns null" must not throw at all;
 * - what was accepted respects the explicit limits;
 * - round trips hold where an encoder exists;
 * - sanitized file paths never leave the download folder.
 * A violated invariant throws InvariantError; the harness treats it (and any other exception,
 * and any input that runs past its time budget) as a crash.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const ROOT = new URL('../build/src/', import.meta.url);
if (!existsSync(new URL('engine/bencode/index.js', ROOT))) throw new Error('fuzz: build/ is missing; run `npm run build:node` first');
const load = (path) => import(new URL(path, ROOT).href);

const { TorrentError } = await load('engine/util/errors.js');
const bencode = await load('engine/bencode/index.js');
const metainfo = await load('engine/metainfo/index.js');
const wire = await load('engine/wire/index.js');
const trackerHttp = await load('engine/tracker/http-response.js');
const trackerUdp = await load('engine/tracker/udp-packets.js');
const { parseCompactPeerList } = await load('engine/tracker/peer-list.js');
const { resolveTrackerLimits } = await load('engine/tracker/limits.js');
const krpc = await load('engine/dht/krpc.js');
const { DEFAULT_DHT_LIMITS } = await load('engine/dht/limits.js');
const utp = await load('engine/utp/packet.js');
const { DEFAULT_UTP_LIMITS } = await load('engine/utp/limits.js');
const relay = await load('relay/protocol.js');
const relayBatch = await load('relay/batch.js');
const { relayLimits } = await load('relay/limits.js');

export class InvariantError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvariantError';
  }
}

function check(condition, message) {
  if (!condition) throw new InvariantError(message);
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
const sha1 = (bytes) => new Uint8Array(createHash('sha1').update(bytes).digest());

/** An expected error: one of the engine's typed errors, with a message a user can read. */
const torrentError = (...kinds) => (error) =>
  error instanceof TorrentError && kinds.includes(error.kind) && typeof error.message === 'string' && error.message.length > 0;

// ---------------------------------------------------------------------------------------------
// bencode

const SMALL_BENCODE = { maxDepth: 20, maxTokens: 500, maxStringLength: 4096, maxTotalSize: 1 << 20 };

/** Depth, token count and longest string of a decoded value (iteratively). */
function measure(value) {
  let tokens = 0;
  let maxDepth = 0;
  let longest = 0;
  const stack = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop();
    tokens++;
    if (v instanceof Uint8Array) longest = Math.max(longest, v.length);
    else if (Array.isArray(v)) {
      maxDepth = Math.max(maxDepth, depth + 1);
      for (const item of v) stack.push([item, depth + 1]);
    } else if (v instanceof Map) {
      maxDepth = Math.max(maxDepth, depth + 1);
      for (const [key, item] of v) {
        tokens++;
        longest = Math.max(longest, key.length);
        stack.push([item, depth + 1]);
      }
    }
  }
  return { tokens, maxDepth, longest };
}

function bencodeTarget(input) {
  for (const limits of [undefined, SMALL_BENCODE]) {
    let value;
    try {
      value = bencode.decode(input, limits);
    } catch (error) {
      if (torrentError('bencode')(error)) continue;
      throw error;
    }
    const resolved = bencode.resolveBencodeLimits(limits);
    const { tokens, maxDepth, longest } = measure(value);
    check(maxDepth <= resolved.maxDepth, `decoded depth ${maxDepth} > limit ${resolved.maxDepth}`);
    check(tokens <= resolved.maxTokens, `decoded ${tokens} tokens > limit ${resolved.maxTokens}`);
    check(longest <= resolved.maxStringLength, `decoded a ${longest}-byte string > limit`);
    // The decoder is strict (no leading zeros, no i-0e, unique keys), so the only freedom left
    // in the input is key order: the canonical encoding has the same length and decodes back.
    const again = bencode.encode(value);
    check(again.length === input.length, `re-encoding is ${again.length} bytes, input ${input.length}`);
    check(isDeepStrictEqual(bencode.decode(again, limits), value), 'decode(encode(x)) != x');
    // Spans of top-level dict values decode to the values themselves.
    const { spans } = bencode.decodeWithSpans(input, limits);
    if (value instanceof Map) {
      check(spans.size === value.size, 'a top-level value has no span');
      for (const [key, span] of spans) {
        check(isDeepStrictEqual(bencode.decode(input.subarray(span.start, span.end), limits), value.get(key)), `span of ${key} decodes differently`);
      }
    }
    // decodePrefix stops at the same byte when junk follows.
    const tail = new Uint8Array(input.length + 3);
    tail.set(input);
    tail.set([0x78, 0x65, 0x30], input.length);
    check(bencode.decodePrefix(tail, limits).length === input.length, 'decodePrefix length differs from the value length');
  }
}

// ---------------------------------------------------------------------------------------------
// metainfo

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$) *(\.|$)/i;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\<>:"|?*]/;
const utf8Length = (text) => Buffer.byteLength(text, 'utf8');

function checkComponent(component, where) {
  check(component !== '' && component !== '.' && component !== '..', `${where}: empty or dot component ${JSON.stringify(component)}`);
  check(!UNSAFE.test(component), `${where}: unsafe character in ${JSON.stringify(component)}`);
  check(!/[. ]$/.test(component), `${where}: trailing dot or space in ${JSON.stringify(component)}`);
  check(!RESERVED.test(component), `${where}: reserved Windows name ${JSON.stringify(component)}`);
  check(utf8Length(component) <= 255, `${where}: component of ${utf8Length(component)} bytes`);
}

function checkMeta(meta, input, fromTorrent) {
  const limits = metainfo.DEFAULT_METAINFO_LIMITS;
  check(meta.infoHash.length === 20 && hex(meta.infoHash) === meta.infoHashHex, 'infoHashHex does not match infoHash');
  check(sameBytes(sha1(meta.infoBytes), meta.infoHash), 'infohash is not the SHA-1 of infoBytes');
  if (!fromTorrent) check(sameBytes(meta.infoBytes, input), 'parseInfo changed infoBytes');
  check(Number.isSafeInteger(meta.pieceLength) && meta.pieceLength > 0 && meta.pieceLength <= limits.maxPieceLength, 'piece length out of range');
  check(meta.pieceCount <= limits.maxPieces, `pieceCount ${meta.pieceCount} over the limit`);
  check(meta.pieceHashes.length === meta.pieceCount * 20, 'pieceHashes length != pieceCount * 20');
  check(meta.pieceCount === Math.ceil(meta.totalLength / meta.pieceLength), 'pieceCount does not cover totalLength');
  if (meta.pieceCount > 0) check(meta.lastPieceLength > 0 && meta.lastPieceLength <= meta.pieceLength, `lastPieceLength ${meta.lastPieceLength} out of range`);
  check(meta.files.length > 0 && meta.files.length <= limits.maxFiles, 'file count out of range');
  checkComponent(meta.name, 'name');
  let offset = 0;
  const seen = new Set();
  const dirs = new Set();
  for (const [i, file] of meta.files.entries()) {
    check(file.index === i, 'file indexes are not 0..n-1');
    check(file.offset === offset, `file ${i} offset ${file.offset} != ${offset}`);
    check(Number.isSafeInteger(file.length) && file.length >= 0, `file ${i} length ${file.length}`);
    offset += file.length;
    const parts = file.path.split('/');
    check(parts[0] === meta.name, `file ${i} path ${JSON.stringify(file.path)} is not under the torrent's name`);
    check(meta.multiFile ? parts.length >= 2 : parts.length === 1, `file ${i} path depth ${parts.length}`);
    check(parts.length <= limits.maxPathDepth + 1, `file ${i} path too deep`);
    for (const part of parts) checkComponent(part, `file ${i}`);
    if (file.padding) continue;
    const folded = file.path.normalize('NFC').toLowerCase();
    check(!seen.has(folded), `two files share the path ${JSON.stringify(file.path)}`);
    seen.add(folded);
    for (let d = 1; d < parts.length; d++) dirs.add(parts.slice(0, d).join('/').normalize('NFC').toLowerCase());
  }
  for (const dir of dirs) check(!seen.has(dir), `a file sits where the folder ${JSON.stringify(dir)} must be`);
  check(offset === meta.totalLength, 'file lengths do not add up to totalLength');
}

function metainfoTarget(input) {
  const expected = torrentError('metainfo', 'bencode');
  try {
    checkMeta(metainfo.parseTorrent(input), input, true);
  } catch (error) {
    if (!expected(error)) throw error;
  }
  try {
    checkMeta(metainfo.parseInfo(input), input, false);
  } catch (error) {
    if (!expected(error)) throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// magnet

function magnetTarget(input) {
  const text = new TextDecoder().decode(input);
  let link;
  try {
    link = metainfo.parseMagnet(text);
  } catch (error) {
    if (torrentError('magnet')(error)) return;
    throw error;
  }
  check(link.infoHash.length === 20 && hex(link.infoHash) === link.infoHashHex, 'infohash is not 20 bytes matching its hex');
  for (const peer of link.peers) check(Number.isInteger(peer.port) && peer.port >= 1 && peer.port <= 65535 && peer.host !== '', 'bad x.pe peer');
  if (link.selectOnly) {
    check(link.selectOnly.length <= metainfo.DEFAULT_METAINFO_LIMITS.maxSelectOnly, 'so= over the limit');
    check(link.selectOnly.every((n, i, a) => Number.isSafeInteger(n) && n >= 0 && (i === 0 || n > a[i - 1])), 'so= not ascending unique');
  }
  const again = metainfo.parseMagnet(metainfo.formatMagnet(link));
  check(isDeepStrictEqual(again, link), 'parseMagnet(formatMagnet(x)) != x');
}

// ---------------------------------------------------------------------------------------------
// peer wire

const PIECE_COUNTS = [undefined, 1, 7, 8, 9, 100, 4096, 0x200000];

/** Deterministic chunk sizes from the input itself, so a crash file replays exactly. */
function splitPoints(input) {
  let h = 0x811c9dc5;
  for (let i = 0; i < Math.min(input.length, 64); i++) h = Math.imul(h ^ input[i], 0x01000193);
  const cuts = [];
  for (let at = 0; at < input.length; ) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    const size = 1 + (h % (h & 1 ? 7 : 300));
    at += size;
    cuts.push(Math.min(at, input.length));
  }
  return cuts;
}

/** A copy of a message (views into pushed chunks are only valid in the handler). */
function snapshot(message) {
  const out = { ...message };
  for (const key of ['bits', 'block', 'payload']) if (out[key]) out[key] = Uint8Array.from(out[key]);
  return out;
}

function encodeMessage(m) {
  switch (m.type) {
    case 'keep-alive': return wire.encodeKeepAlive();
    case 'choke': return wire.encodeChoke();
    case 'unchoke': return wire.encodeUnchoke();
    case 'interested': return wire.encodeInterested();
    case 'not-interested': return wire.encodeNotInterested();
    case 'have': return wire.encodeHave(m.index);
    case 'bitfield': return wire.encodeBitfield(m.bits);
    case 'request': return wire.encodeRequest(m.index, m.begin, m.length);
    case 'piece': return wire.encodePiece(m.index, m.begin, m.block);
    case 'cancel': return wire.encodeCancel(m.index, m.begin, m.length);
    case 'port': return wire.encodePort(m.port);
    case 'suggest': return wire.encodeSuggest(m.index);
    case 'have-all': return wire.encodeHaveAll();
    case 'have-none': return wire.encodeHaveNone();
    case 'reject': return wire.encodeReject(m.index, m.begin, m.length);
    case 'allowed-fast': return wire.encodeAllowedFast(m.index);
    case 'extended': return wire.encodeExtended(m.id, m.payload);
    default: throw new InvariantError(`parser produced an unknown message type ${m.type}`);
  }
}

/** Runs `chunks` through a parser; returns the messages and the error (if any). */
function parseChunks(chunks, options) {
  const messages = [];
  let handshake = null;
  const parser = new wire.WireParser((m) => messages.push(snapshot(m)), {
    ...options,
    onHandshake: (h) => {
      handshake = { infoHash: Uint8Array.from(h.infoHash), peerId: Uint8Array.from(h.peerId), extended: h.extended, fast: h.fast, dht: h.dht };
    },
  });
  const limits = wire.DEFAULT_WIRE_LIMITS;
  let error = null;
  for (const chunk of chunks) {
    try {
      parser.push(chunk);
    } catch (e) {
      if (!torrentError('protocol')(e)) throw e;
      error = e.message;
      break;
    }
    check(parser.bufferedBytes <= Math.max(wire.HANDSHAKE_LENGTH, limits.maxMessageLength + 4), `parser holds ${parser.bufferedBytes} bytes`);
  }
  return { messages, handshake, error };
}

function wireTarget(input) {
  if (input.length === 0) return;
  const flags = input[0];
  const options = { expectHandshake: (flags & 1) === 1, pieceCount: PIECE_COUNTS[(flags >> 1) & 7] };
  const stream = input.subarray(1);
  const whole = parseChunks([stream], options);
  const cuts = splitPoints(stream);
  const chunks = cuts.map((end, i) => stream.slice(i === 0 ? 0 : cuts[i - 1], end));
  const split = parseChunks(chunks, options);
  check(isDeepStrictEqual(whole, split), 'splitting the input into chunks changed what the parser saw');

  const limits = wire.DEFAULT_WIRE_LIMITS;
  const { pieceCount } = options;
  for (const m of whole.messages) {
    if ('length' in m) check(m.length > 0 && m.length <= limits.maxBlockLength, `${m.type} of length ${m.length}`);
    if (m.type === 'piece') check(m.block.length <= limits.maxBlockLength, `piece block of ${m.block.length} bytes`);
    if (m.type === 'extended') check(m.payload.length <= limits.maxExtendedPayload, `extended payload of ${m.payload.length}`);
    if (pieceCount !== undefined) {
      if ('index' in m) check(m.index < pieceCount, `${m.type} index ${m.index} >= pieceCount ${pieceCount}`);
      if (m.type === 'bitfield') check(m.bits.length === Math.ceil(pieceCount / 8), 'bitfield of the wrong length');
    }
  }
  // Round trip: every delivered message re-encodes to bytes that parse back to itself.
  const parts = whole.messages.map(encodeMessage);
  if (whole.handshake) parts.unshift(wire.encodeHandshake(whole.handshake));
  const again = parseChunks([Buffer.concat(parts)], options);
  check(again.error === null, `re-encoded messages fail to parse: ${again.error}`);
  check(isDeepStrictEqual(again.messages, whole.messages), 'parse(encode(messages)) != messages');
  check(isDeepStrictEqual(again.handshake, whole.handshake), 'handshake does not round-trip');
}

// ---------------------------------------------------------------------------------------------
// extension messages (BEP 10 handshake, BEP 9 ut_metadata, BEP 11 ut_pex)

function extensionTarget(input) {
  if (input.length === 0) return;
  const payload = input.subarray(1);
  const limits = wire.DEFAULT_WIRE_LIMITS;
  const expected = torrentError('protocol');
  try {
    switch (input[0] % 3) {
      case 0: {
        const hs = wire.parseExtendedHandshake(payload);
        for (const id of hs.m.values()) check(Number.isInteger(id) && id >= 0 && id <= 255, `m id ${id}`);
        if (hs.metadataSize !== undefined) check(hs.metadataSize > 0 && hs.metadataSize <= limits.maxMetadataSize, 'metadata_size out of range');
        check(hs.metadataSize === undefined || hs.metadataSizeError === undefined, 'both metadataSize and an error');
        if (hs.clientName !== undefined) check(hs.clientName.length <= limits.maxClientNameLength && !/[\u0000-\u001f\u007f]/.test(hs.clientName), 'client name unsafe');
        if (hs.reqq !== undefined) check(hs.reqq > 0 && hs.reqq <= limits.maxReqq, 'reqq out of range');
        if (hs.listenPort !== undefined) check(hs.listenPort > 0 && hs.listenPort <= 0xffff, 'port out of range');
        break;
      }
      case 1: {
        const m = wire.parseMetadataMessage(payload);
        if (m.type === 'unknown') break;
        check(Number.isSafeInteger(m.piece) && m.piece >= 0, 'bad piece number');
        if (m.type !== 'data') break;
        check(m.totalSize > 0 && m.totalSize <= limits.maxMetadataSize, 'total_size out of range');
        check(m.data.length <= wire.METADATA_PIECE_LENGTH, 'metadata piece over 16 KiB');
        const again = wire.parseMetadataMessage(wire.encodeMetadataData(m.piece, m.totalSize, m.data));
        check(isDeepStrictEqual({ ...again, data: Uint8Array.from(again.data) }, { ...m, data: Uint8Array.from(m.data) }), 'ut_metadata data does not round-trip');
        // The assembler takes whatever a peer sends without throwing.
        const assembler = new wire.MetadataAssembler(m.totalSize, new Uint8Array(20), sha1);
        assembler.addPiece(m.piece, m.data);
        check(!assembler.isComplete() || m.totalSize <= wire.METADATA_PIECE_LENGTH, 'assembler complete after one piece of many');
        break;
      }
      default: {
        const pex = wire.parsePex(payload);
        for (const list of [pex.added, pex.added6, pex.dropped, pex.dropped6]) check(list.length <= limits.maxPexPeers, 'pex list over the limit');
        const again = wire.parsePex(wire.encodePex(pex));
        check(isDeepStrictEqual({ ...again, truncated: pex.truncated }, pex), 'ut_pex does not round-trip');
      }
    }
  } catch (error) {
    if (!expected(error)) throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// trackers

const TRACKER_LIMITS = resolveTrackerLimits();
const SCRAPE_HASH = new Uint8Array(20).fill(0x61); // "aaaa…": the corpus uses it

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const validPeer = (p) => Number.isInteger(p.port) && p.port > 0 && p.port <= 65535 && typeof p.host === 'string' && p.host.length > 0;

function trackerHttpTarget(input) {
  if (input.length === 0) return;
  const body = input.subarray(1);
  try {
    if (input[0] & 1) {
      const s = trackerHttp.parseScrapeResponse(body, SCRAPE_HASH, TRACKER_LIMITS);
      for (const n of [s.complete, s.incomplete, s.downloaded]) check(Number.isSafeInteger(n) && n >= 0, 'scrape count not a non-negative integer');
      return;
    }
    const r = trackerHttp.parseAnnounceResponse(body, TRACKER_LIMITS);
    check(Number.isSafeInteger(r.interval) && r.interval >= 0, `interval ${r.interval}`);
    check(r.peers.length <= 2 * TRACKER_LIMITS.maxPeersPerResponse, `${r.peers.length} peers`);
    for (const p of r.peers) check(validPeer(p), `bad peer ${JSON.stringify(p)}`);
    if (r.warning !== undefined) check(r.warning.length <= TRACKER_LIMITS.maxMessageLength, 'warning too long');
  } catch (error) {
    if (torrentError('tracker')(error)) {
      check(error.message.length <= TRACKER_LIMITS.maxMessageLength + 200, 'tracker error message unbounded');
      return;
    }
    throw error;
  }
}

function trackerUdpTarget(input) {
  // Documented: returns null for anything malformed, never throws.
  const r = trackerUdp.decodeUdpResponse(input, TRACKER_LIMITS.maxMessageLength);
  if (r === null) return;
  check(Number.isInteger(r.transactionId) && r.transactionId >= 0 && r.transactionId <= 0xffffffff, 'transaction id');
  if (r.action === 'connect') check(r.connectionId.length === 8, 'connection id not 8 bytes');
  if (r.action === 'error') check(r.message.length <= TRACKER_LIMITS.maxMessageLength, 'error text too long');
  if (r.action === 'announce') {
    const peers = parseCompactPeerList(r.peers, 6, TRACKER_LIMITS.maxPeersPerResponse);
    check(peers.length <= TRACKER_LIMITS.maxPeersPerResponse, 'too many peers');
    for (const p of peers) check(validPeer(p) && IPV4.test(p.host), `bad peer ${JSON.stringify(p)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// DHT KRPC

function krpcTarget(input) {
  const limits = DEFAULT_DHT_LIMITS;
  // Documented: null for anything that is not well-formed KRPC, never throws.
  const m = krpc.parseKrpc(input, limits);
  if (m === null) return;
  check(m.t.length <= limits.maxTransactionIdLength, 'transaction id too long');
  if (m.kind === 'error') {
    check(m.message.length <= 200, 'error text too long');
    return;
  }
  check(m.id.length === 20, 'node id not 20 bytes');
  if (m.kind === 'query') {
    if (m.token) check(m.token.length <= limits.maxTokenLength, 'token too long');
    if (m.port !== undefined) check(Number.isInteger(m.port) && m.port >= 0 && m.port <= 65535, `announce port ${m.port}`);
    if (m.method === 'unknown') return;
    const args = {};
    if (m.target) args.target = m.target;
    if (m.infoHash) args.info_hash = m.infoHash;
    if (m.method === 'announce_peer') {
      args.port = m.port;
      args.token = m.token;
      if (m.impliedPort) args.implied_port = 1;
    }
    const again = krpc.parseKrpc(krpc.encodeQuery(m.t, m.method, m.id, args), limits);
    check(again !== null && again.method === m.method && isDeepStrictEqual(again.target, m.target) && isDeepStrictEqual(again.infoHash, m.infoHash) &&
      again.port === m.port && isDeepStrictEqual(again.token, m.token), 'KRPC query does not round-trip');
    return;
  }
  check(m.nodes.length <= limits.maxNodesAccepted && m.nodes6.length <= limits.maxNodesAccepted, 'too many nodes');
  check(m.values.length <= limits.maxValuesAccepted, 'too many values');
  if (m.token) check(m.token.length <= limits.maxTokenLength, 'token too long');
  const body = { nodes: m.nodes, nodes6: m.nodes6, values: m.values };
  if (m.token) body.token = m.token;
  const again = krpc.parseKrpc(krpc.encodeResponse(m.t, m.id, body), limits);
  check(again !== null && isDeepStrictEqual(again, m), 'KRPC response does not round-trip');
}

// ---------------------------------------------------------------------------------------------
// uTP

function utpTarget(input) {
  const limits = DEFAULT_UTP_LIMITS;
  const r = utp.decodePacket(input, limits); // documented: { error } for bad input, never throws
  check(utp.isUtpDatagram(input) || 'error' in r, 'decodePacket accepted what isUtpDatagram refuses');
  if ('error' in r) {
    check(typeof r.error === 'string' && r.error.length > 0, 'empty decode error');
    return;
  }
  const p = r.packet;
  if (p.sack) check(p.sack.length >= 4 && p.sack.length <= limits.maxSackBytes && p.sack.length % 4 === 0, `sack of ${p.sack.length}`);
  const again = utp.decodePacket(utp.encodePacket(p), limits);
  check('packet' in again && isDeepStrictEqual({ ...again.packet, payload: [...again.packet.payload] }, { ...p, payload: [...p.payload] }), 'uTP packet does not round-trip');
}

// ---------------------------------------------------------------------------------------------
// relay protocol frames

const RELAY_LIMITS = relayLimits();
const isRelayError = (error) => error instanceof relay.RelayProtocolError && error.message.length > 0;

function relayTarget(input) {
  for (const from of ['client', 'host']) {
    let frame;
    try {
      frame = relay.decodeFrame(input, from, RELAY_LIMITS);
    } catch (error) {
      if (!isRelayError(error)) throw error;
      continue;
    }
    const data = frame.data;
    if (data) check(data.length <= Math.max(RELAY_LIMITS.maxDataBytes, RELAY_LIMITS.maxDatagramBytes), 'payload over the limit');
    const host = frame.host ?? frame.address;
    if (host !== undefined) check(host.length > 0 && host.length <= RELAY_LIMITS.maxHostBytes && !/[\s\x00-\x20\x7f-\uffff]/.test(host), `bad host ${JSON.stringify(host)}`);
    const encoded = relay.encodeFrame(frame);
    check(sameBytes(encoded, input), 'encodeFrame(decodeFrame(x)) != x');
  }
  // The same bytes as a whole WebSocket message (a BATCH or a single frame).
  for (const from of ['client', 'host']) {
    let count = 0;
    try {
      relayBatch.decodeMessage(input, from, RELAY_LIMITS, () => count++);
    } catch (error) {
      if (!isRelayError(error)) throw error;
    }
    check(count <= input.length / relay.HEADER_BYTES, 'more frames than bytes allow');
  }
}

/** name → { run(input), words: dictionary for mutations, maxLength } */
export const TARGETS = {
  bencode: { run: bencodeTarget, maxLength: 4096, words: ['d', 'l', 'e', 'i', '4:info', '0:', 'i-1e', 'i9007199254740992e'] },
  metainfo: {
    run: metainfoTarget,
    maxLength: 16384,
    words: ['4:info', '12:piece lengthi', '6:pieces', '4:name', '5:files', '4:path', '6:lengthi', '2:..', '1:/', '3:con', '4:attr1:p',
      '13:announce-list', '8:url-list', '7:privatei1e', '18:_____padding_file_', '1:.', '3:a\\b', '2:C:'],
  },
  magnet: {
    run: magnetTarget,
    maxLength: 2048,
    words: ['magnet:?', 'xt=urn:btih:', '&', '&dn=', '&tr=', '&ws=', '&x.pe=', '&so=', 'xt.1=', '%', '%ff', '%00', '[::1]:', ':65535',
      ':0', ',', '-', 'urn:btmh:', '0123456789abcdef0123456789abcdef01234567', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'],
  },
  wire: { run: wireTarget, maxLength: 8192, words: ['\x13BitTorrent protocol', '\x00\x00\x00\x01', '\x00\x00\x00\x0d\x06', '\x00\x00\x40\x09\x07', '\x00\x00\x00\x00'] },
  extension: {
    run: extensionTarget,
    maxLength: 20000,
    words: ['1:md', '11:ut_metadatai', '6:ut_pexi', '13:metadata_sizei', '1:v', '4:reqqi', '1:pi', '6:youripi', '8:msg_typei', '5:piecei',
      '10:total_sizei', '5:added', '7:added.f', '6:added6', '7:dropped', '8:dropped6'],
  },
  'tracker-http': {
    run: trackerHttpTarget,
    maxLength: 8192,
    words: ['8:intervali', '5:peers', '6:peers6', '14:failure reason', '15:warning message', '8:completei', '10:incompletei', '12:min intervali',
      '10:tracker id', '5:files', '20:aaaaaaaaaaaaaaaaaaaa', '2:ip', '4:porti', '10:downloadedi'],
  },
  'tracker-udp': { run: trackerUdpTarget, maxLength: 2048, words: ['\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x02', '\x00\x00\x00\x03'] },
  krpc: {
    run: krpcTarget,
    maxLength: 1500,
    words: ['1:t', '1:y1:q', '1:y1:r', '1:y1:e', '1:q', '4:ping', '9:find_node', '9:get_peers', '13:announce_peer', '1:ad', '1:rd', '2:id20:',
      '6:target20:', '9:info_hash20:', '5:token', '4:porti', '12:implied_porti1e', '5:nodes', '6:nodes6', '6:valuesl', '4:want', '2:n4', '2:roi1e'],
  },
  utp: { run: utpTarget, maxLength: 1500, words: ['\x01', '\x11', '\x21', '\x31', '\x41', '\x01\x04', '\x02\x00'] },
  relay: { run: relayTarget, maxLength: 4096, words: ['\x00\x00\x00\x01', '\x00\x00\x00\x00', '127.0.0.1', 'localhost', '\x80\x00\x00\x01'] },
};
