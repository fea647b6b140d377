/**
 * Writes the seed corpora (fuzz/corpus/<target>/) from the test fixtures and from the engine's
 * own encoders, i.e. the exact bytes our client puts on the wire. Run once after a protocol
 * change: `npm run build:node && node fuzz/make-corpus.mjs`. The output is checked in.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FUZZ = fileURLToPath(new URL('.', import.meta.url));
const ROOT = new URL('../build/src/', import.meta.url);
const load = (path) => import(new URL(path, ROOT).href);
const { encode } = await load('engine/bencode/index.js');
const wire = await load('engine/wire/index.js');
const udp = await load('engine/tracker/udp-packets.js');
const krpc = await load('engine/dht/krpc.js');
const utp = await load('engine/utp/packet.js');
const relay = await load('relay/protocol.js');
const { encodeBatch } = await load('relay/batch.js');

const te = new TextEncoder();
const bytes = (text) => te.encode(text);
const cat = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? bytes(p) : p)));
const id = (byte) => new Uint8Array(20).fill(byte);
const u32 = (...values) => {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
};

const corpora = {};
const add = (target, name, data) => ((corpora[target] ??= []).push([name, data]));

// --- .torrent files and info dicts ---
const fixtures = fileURLToPath(new URL('../tests/fixtures/metainfo/', import.meta.url));
for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.torrent'))) {
  const data = readFileSync(join(fixtures, file));
  add('metainfo', file, data);
  add('bencode', file, data);
}
const pieces = (n) => new Uint8Array(20 * n).fill(0xab);
const info = (fields) => encode(new Map(Object.entries(fields)));
const hostileNames = info({
  name: bytes('../evil'),
  'piece length': 16384,
  pieces: pieces(1),
  files: [
    { length: 10, path: [bytes('..'), bytes('..'), bytes('etc'), bytes('passwd')] },
    { length: 10, path: [bytes('/abs'), bytes('C:\\win'), bytes('con.txt')] },
    { length: 10, path: [bytes('a?'), bytes('b\u202etxt.exe')] },
    { length: 10, path: [bytes('A?'), bytes('B\u202etxt.exe')] },
    { length: 10, path: [bytes('a_')] },
    { length: 0, path: [bytes('.'), bytes('x\u0000y'), bytes('trailing. ')] },
    { length: 5, attr: bytes('p'), path: [bytes('.pad'), bytes('5')] },
  ].map((f) => new Map(Object.entries(f))),
});
add('metainfo', 'hostile-names.info', hostileNames);
add('metainfo', 'hostile-names.torrent', encode(new Map([['announce', bytes('http://127.0.0.1:1/announce')], ['info', hostileNames]])));
add('metainfo', 'single.info', info({ name: bytes('a.bin'), 'piece length': 32768, pieces: pieces(2), length: 40000 }));
add('metainfo', 'lists.torrent', encode(new Map([
  ['announce-list', [[bytes('udp://a:1'), bytes('http://b/announce')], [bytes('udp://c:2')]]],
  ['url-list', [bytes('http://seed/')]],
  ['comment', bytes('c')],
  ['created by', bytes('x')],
  ['creation date', 1700000000],
  ['info', info({ name: bytes('n'), 'piece length': 1, pieces: pieces(3), length: 3, private: 1 })],
])));

// --- bencode ---
for (const [name, text] of Object.entries({
  int: 'i42e', neg: 'i-7e', str: '4:spam', list: 'l4:spami1ee', dict: 'd3:cow3:moo4:spam4:eggse', nested: 'd1:ald1:bl1:ceeee',
  empty: 'de', binkey: 'd2:\xff\x00i1ee', big: 'i9007199254740991e',
})) add('bencode', name, Buffer.from(text, 'latin1'));

// --- magnets ---
const hash = 'c9e15763f722f23e98a29decdfae341b98d53056';
for (const [name, text] of Object.entries({
  plain: `magnet:?xt=urn:btih:${hash}`,
  full: `magnet:?xt=urn:btih:${hash}&dn=Some+Name%20%C3%A9&tr=udp%3A%2F%2Ftracker%3A6969&tr.1=http://t/announce&ws=http://seed/&x.pe=127.0.0.1:6881&x.pe=[::1]:51413&so=0,2,4-6`,
  base32: 'magnet:?xt=urn:btih:ZHQVOY7XELZD5GFCTXW57LRUDOMNKMCW&dn=b32',
  btmh: 'magnet:?xt=urn:btmh:1220aaaa&xt=urn:btih:' + hash,
})) add('magnet', name, bytes(text));

// --- peer wire: a conversation as our client writes it, after a flags byte (see targets.mjs) ---
const handshake = wire.encodeHandshake({ infoHash: id(1), peerId: id(2), extended: true, fast: true, dht: true });
const conversation = cat(
  wire.encodeExtended(0, wire.encodeExtendedHandshake({ m: { ut_metadata: 1, ut_pex: 2 }, metadataSize: 1234, reqq: 250, clientName: 'TorrentEdge 0.1' })),
  wire.encodeBitfield(Uint8Array.of(0xff, 0x80)),
  wire.encodeHave(3), wire.encodeInterested(), wire.encodeUnchoke(), wire.encodeRequest(1, 0, 16384),
  wire.encodePiece(1, 0, new Uint8Array(64).fill(7)), wire.encodeCancel(1, 16384, 16384), wire.encodeReject(2, 0, 16384),
  wire.encodeAllowedFast(4), wire.encodeSuggest(5), wire.encodePort(6881), wire.encodeKeepAlive(), wire.encodeChoke(), wire.encodeNotInterested(),
);
add('wire', 'handshake-then-messages', cat(Uint8Array.of(0b0101), handshake, conversation)); // expectHandshake, pieceCount 9
add('wire', 'messages-no-piece-count', cat(Uint8Array.of(0), conversation));
add('wire', 'have-all', cat(Uint8Array.of(0b0111), wire.encodeHaveAll(), wire.encodeHaveNone(), u32(3), Uint8Array.of(99, 1, 2))); // unknown id 99
add('wire', 'piece-16k', cat(Uint8Array.of(0b1000), wire.encodePiece(0, 0, new Uint8Array(16384).fill(1))));

// --- extension messages: first byte % 3 picks the parser ---
add('extension', 'handshake', cat(Uint8Array.of(0), wire.encodeExtendedHandshake({ m: { ut_metadata: 3, ut_pex: 1 }, metadataSize: 31235, listenPort: 6881, reqq: 500, clientName: 'libtorrent 2.0', yourIp: Uint8Array.of(127, 0, 0, 1) })));
add('extension', 'metadata-request', cat(Uint8Array.of(1), wire.encodeMetadataRequest(0)));
add('extension', 'metadata-reject', cat(Uint8Array.of(1), wire.encodeMetadataReject(2)));
add('extension', 'metadata-data', cat(Uint8Array.of(1), wire.encodeMetadataData(1, 20000, new Uint8Array(20000 - 16384).fill(9))));
add('extension', 'pex', cat(Uint8Array.of(2), wire.encodePex({
  added: [{ host: '10.0.0.1', port: 6881, flags: 0x12 }, { host: '192.168.1.2', port: 51413 }],
  added6: [{ host: '::1', port: 6881, flags: 1 }],
  dropped: [{ host: '10.0.0.3', port: 1 }],
  dropped6: [{ host: 'fe80::1', port: 2 }],
})));

// --- HTTP tracker bodies: first byte odd = scrape ---
const compact = Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0xc8, 0xd5);
const v6 = cat(new Uint8Array(15), Uint8Array.of(1, 0x1a, 0xe1));
add('tracker-http', 'compact', cat(Uint8Array.of(0), encode(new Map([['interval', 1800], ['min interval', 60], ['complete', 3], ['incomplete', 5], ['peers', compact], ['peers6', v6], ['tracker id', bytes('abc')]]))));
add('tracker-http', 'dict-peers', cat(Uint8Array.of(0), encode(new Map([['interval', 900], ['peers', [new Map([['ip', bytes('127.0.0.1')], ['port', 6881], ['peer id', id(3)]]), new Map([['ip', bytes('::1')], ['port', 1]])]], ['warning message', bytes('be nice')]]))));
add('tracker-http', 'failure', cat(Uint8Array.of(0), encode(new Map([['failure reason', bytes('unregistered torrent')]]))));
add('tracker-http', 'scrape', cat(Uint8Array.of(1), encode(new Map([['files', new Map([['a'.repeat(20), new Map([['complete', 1], ['incomplete', 2], ['downloaded', 3]])]])]]))));

// --- UDP tracker packets (BEP 15) ---
add('tracker-udp', 'connect', cat(u32(0, 77), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)));
add('tracker-udp', 'announce', cat(u32(1, 78, 1800, 4, 9), compact));
add('tracker-udp', 'scrape', cat(u32(2, 79, 1, 2, 3, 4, 5, 6)));
add('tracker-udp', 'error', cat(u32(3, 80), 'torrent not registered'));
add('tracker-udp', 'our-announce-request', udp.encodeAnnounce(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 5, { infoHash: id(1), peerId: id(2), port: 6881, uploaded: 1, downloaded: 2, left: 3, event: 'started', numWant: 50, key: 7, compact: true }));

// --- KRPC (BEP 5) ---
const t = Uint8Array.of(0x61, 0x61);
add('krpc', 'ping', krpc.encodeQuery(t, 'ping', id(4)));
add('krpc', 'find_node', krpc.encodeQuery(t, 'find_node', id(4), { target: id(5) }));
add('krpc', 'get_peers', krpc.encodeQuery(t, 'get_peers', id(4), { info_hash: id(6) }));
add('krpc', 'announce_peer', krpc.encodeQuery(t, 'announce_peer', id(4), { info_hash: id(6), port: 6881, implied_port: 1, token: bytes('tok') }));
add('krpc', 'response-nodes', krpc.encodeResponse(t, id(7), { nodes: [{ id: id(8), endpoint: { host: '10.1.2.3', port: 6881 } }], nodes6: [{ id: id(9), endpoint: { host: '::2', port: 6882 } }], token: bytes('tk') }, { host: '1.2.3.4', port: 5 }));
add('krpc', 'response-values', krpc.encodeResponse(t, id(7), { values: [{ host: '10.0.0.1', port: 1 }, { host: '::1', port: 2 }], token: bytes('tk') }));
add('krpc', 'error', krpc.encodeError(t, 203, 'Protocol Error'));

// --- uTP (BEP 29) ---
const packet = (type, extra = {}) => utp.encodePacket({ type, connectionId: 1234, timestamp: 1, timestampDiff: 2, wndSize: 1 << 20, seqNr: 10, ackNr: 9, payload: new Uint8Array(0), ...extra });
add('utp', 'syn', packet(utp.ST_SYN));
add('utp', 'data', packet(utp.ST_DATA, { payload: handshake }));
add('utp', 'state-sack', packet(utp.ST_STATE, { sack: Uint8Array.of(0x0f, 0, 0, 0x80) }));
add('utp', 'fin', packet(utp.ST_FIN));
add('utp', 'reset', packet(utp.ST_RESET));
add('utp', 'unknown-extension', cat(Uint8Array.of(0x21, 2), Buffer.from(packet(utp.ST_STATE)).subarray(2, 20), Uint8Array.of(0, 4, 1, 2, 3, 4)));

// --- relay frames (docs/relay-protocol.md) ---
const { Op } = relay;
const frames = {
  hello: { op: Op.HELLO, version: 2, window: 1 << 20 },
  'hello-ok': { op: Op.HELLO_OK, version: 2, window: 1 << 20, maxData: 262144 },
  'tcp-connect': { op: Op.TCP_CONNECT, stream: 1, port: 6881, timeoutMs: 10000, host: 'peer.example' },
  'tcp-listen': { op: Op.TCP_LISTEN, stream: 2, port: 0, host: '0.0.0.0' },
  'udp-bind': { op: Op.UDP_BIND, stream: 3, port: 6881, host: '0.0.0.0' },
  'udp-send': { op: Op.UDP_SEND, stream: 3, port: 6969, host: '127.0.0.1', data: u32(0, 1) },
  data: { op: Op.DATA, stream: 1, data: handshake },
  credit: { op: Op.CREDIT, stream: 1, bytes: 65536 },
  end: { op: Op.END, stream: 1 },
  close: { op: Op.CLOSE, stream: 1, kind: 'refused', message: 'connection refused' },
  connected: { op: Op.CONNECTED, stream: 1, port: 6881, address: '10.0.0.1' },
  listening: { op: Op.LISTENING, stream: 2, port: 51413 },
  accepted: { op: Op.ACCEPTED, stream: 2, newStream: 0x80000001, port: 40000, address: '::1' },
  bound: { op: Op.BOUND, stream: 3, port: 6881 },
  'udp-recv': { op: Op.UDP_RECV, stream: 3, port: 6969, address: '127.0.0.1', data: u32(0, 1, 2, 3) },
};
const encoded = Object.entries(frames).map(([name, frame]) => [name, relay.encodeFrame(frame)]);
for (const [name, data] of encoded) add('relay', name, data);
add('relay', 'batch', encodeBatch(encoded.filter(([name]) => ['data', 'credit', 'end'].includes(name)).map(([, data]) => data), 3 * 4 + encoded.filter(([name]) => ['data', 'credit', 'end'].includes(name)).reduce((n, [, d]) => n + d.length, 0)));

for (const [target, items] of Object.entries(corpora)) {
  const dir = join(FUZZ, 'corpus', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of items) writeFileSync(join(dir, name), data);
  console.log(`${target}: ${items.length} seeds`);
}
// Make sure the generator is deterministic (the corpus is checked in).
console.log('digest', createHash('sha1').update(JSON.stringify(Object.entries(corpora).map(([t, i]) => [t, i.map(([n, d]) => [n, Buffer.from(d).toString('hex')])]))).digest('hex'));
