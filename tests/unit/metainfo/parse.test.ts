import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import { parseInfo, parseTorrent } from '../../../src/engine/metainfo/index.js';
import { TorrentError } from '../../../src/engine/util/errors.js';
import { dummyPieces, multiInfo, singleInfo, torrentBytes } from './helpers.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../fixtures/metainfo/${name}`, import.meta.url)));

function expectMetainfoError(bytes: Uint8Array, message: string | RegExp): void {
  let caught: unknown;
  try {
    parseTorrent(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TorrentError);
  expect((caught as TorrentError).kind).toBe('metainfo');
  expect((caught as TorrentError).message).toMatch(message);
}

describe('fixtures made by mktorrent: infohash equals libtorrent', () => {
  it('multi-file torrent', () => {
    const meta = parseTorrent(fixture('multi.torrent'));
    expect(meta.infoHashHex).toBe('64d09c328b6e64f5b9393894b48dbc73232d79bc');
    expect(meta.multiFile).toBe(true);
    expect(meta.name).toBe('sample');
    expect(meta.files.map((f) => [f.index, f.path, f.length, f.offset])).toEqual([
      [0, 'sample/a.txt', 1000, 0],
      [1, 'sample/sub/b.bin', 70000, 1000],
      [2, 'sample/sub/empty.dat', 0, 71000],
      [3, 'sample/z.bin', 40000, 71000],
    ]);
    expect(meta.totalLength).toBe(111000);
    expect(meta.pieceLength).toBe(32768);
    expect(meta.pieceCount).toBe(4);
    expect(meta.lastPieceLength).toBe(111000 - 3 * 32768);
    expect(meta.pieceHashes.length).toBe(80);
    expect(meta.announce).toEqual([['http://tracker.example/announce']]);
    expect(meta.createdBy).toBe('mktorrent 1.1');
    expect(meta.private).toBe(false);
  });
  it('single-file private torrent with two tiers and a web seed', () => {
    const meta = parseTorrent(fixture('single-private.torrent'));
    expect(meta.infoHashHex).toBe('684f8a425e0ac39919af7c1c09df009eb6ca0ef6');
    expect(meta.multiFile).toBe(false);
    expect(meta.private).toBe(true);
    expect(meta.files).toEqual([{ index: 0, path: 'single.bin', length: 100000, offset: 0, padding: false }]);
    expect(meta.announce).toEqual([['http://tracker.example/announce'], ['udp://tracker.example:6969']]);
    expect(meta.urlList).toEqual(['http://seed.example/']);
  });
  it('unsorted info keys: the infohash comes from the raw bytes', () => {
    const meta = parseTorrent(fixture('unsorted-keys.torrent'));
    expect(meta.infoHashHex).toBe('d298d7bc682eb7cb319d935d4f6f59ec76748be8');
  });
  it('infoBytes are the raw info dict and parseInfo gives the same torrent', () => {
    const meta = parseTorrent(fixture('multi.torrent'));
    const again = parseInfo(meta.infoBytes, { announce: meta.announce });
    expect(again.infoHashHex).toBe(meta.infoHashHex);
    expect(again.files).toEqual(meta.files);
    expect(again.announce).toEqual(meta.announce);
  });
});

describe('metainfo: structure traps', () => {
  it('not bencode', () => expectMetainfoError(new TextEncoder().encode('<html>'), /^metainfo: the \.torrent file is not valid bencode \(bencode: unexpected '<'/));
  it('truncated file', () => expectMetainfoError(fixture('multi.torrent').subarray(0, 200), /unexpected end of data/));
  it('top level is not a dict', () => expectMetainfoError(encode([1]), 'metainfo: not a .torrent file (its top level is not a dict)'));
  it('missing info', () => expectMetainfoError(encode({ announce: 'x' }), 'metainfo: missing info dict'));
  it('info is not a dict', () => expectMetainfoError(encode({ info: 5 }), 'metainfo: info dict must be a dict, not an integer'));
  it('missing name', () => expectMetainfoError(torrentBytes(singleInfo({ name: undefined })), 'metainfo: missing info.name'));
  it('missing piece length', () => expectMetainfoError(torrentBytes(singleInfo({ 'piece length': undefined })), 'metainfo: missing info.piece length'));
  it('zero piece length', () => expectMetainfoError(torrentBytes(singleInfo({ 'piece length': 0 })), /piece length must be positive/));
  it('negative piece length', () => expectMetainfoError(torrentBytes(singleInfo({ 'piece length': -16384 })), /piece length must be positive/));
  it('piece length over the limit', () => expectMetainfoError(torrentBytes(singleInfo({ 'piece length': 2 ** 30 })), /exceeds the limit/));
  it('pieces not a multiple of 20', () => expectMetainfoError(torrentBytes(singleInfo({ pieces: new Uint8Array(59) })), 'metainfo: info.pieces is 59 bytes, not a multiple of 20'));
  it('wrong piece count', () => expectMetainfoError(torrentBytes(singleInfo({ pieces: dummyPieces(2) })), 'metainfo: info.pieces holds 2 hashes but 40000 bytes in pieces of 16384 need 3'));
  it('negative length', () => expectMetainfoError(torrentBytes(singleInfo({ length: -1 })), 'metainfo: info.length is negative (-1)'));
  it('negative file length in a multi-file torrent', () => expectMetainfoError(torrentBytes(multiInfo([[['a'], 5], [['b'], -5]])), 'metainfo: info.files[1].length is negative (-5)'));
  it('both length and files', () => expectMetainfoError(torrentBytes(multiInfo([[['a'], 5]], { length: 5 })), /both length and files/));
  it('neither length nor files', () => expectMetainfoError(torrentBytes(singleInfo({ length: undefined })), /neither length nor files/));
  it('empty files list', () => expectMetainfoError(torrentBytes({ ...multiInfo([]), pieces: new Uint8Array(0) }), /has no files/));
  it('all files empty', () => expectMetainfoError(torrentBytes({ ...multiInfo([[['a'], 0]]) }), /no data/));
  it('file path is not a list', () => expectMetainfoError(torrentBytes(multiInfo([{ path: 'a', length: 1 }])), 'metainfo: info.files[0].path must be a list, not a string'));
  it('file path element is not a string', () => expectMetainfoError(torrentBytes(multiInfo([{ path: [1], length: 1 }])), 'metainfo: info.files[0].path[0] must be a string'));
  it('too many files', () => {
    const bytes = torrentBytes(multiInfo([[['a'], 1], [['b'], 1], [['c'], 1]]));
    expect(() => parseTorrent(bytes, { maxFiles: 2 })).toThrow('metainfo: the torrent has 3 files (limit 2)');
  });
  it('path deeper than the limit', () => {
    const bytes = torrentBytes(multiInfo([[['a', 'b', 'c'], 1]]));
    expect(() => parseTorrent(bytes, { maxPathDepth: 2 })).toThrow(/3 components \(limit 2\)/);
  });
  it('too many pieces', () => {
    expect(() => parseTorrent(torrentBytes(singleInfo()), { maxPieces: 2 })).toThrow('metainfo: the torrent has 3 pieces (limit 2)');
  });
  it('file larger than the size limit', () => {
    expect(() => parseTorrent(torrentBytes(singleInfo()), { maxTorrentSize: 50 })).toThrow(/the \.torrent file is \d+ bytes \(limit 50\)/);
  });
  it('deeply nested junk inside the torrent', () => {
    const junk = new TextEncoder().encode('d4:junk' + 'l'.repeat(5000) + 'e'.repeat(5000) + 'e');
    expectMetainfoError(junk, /nesting deeper than 100/);
  });
  it('total size beyond 2^53 is refused', () => {
    const huge = 2 ** 52;
    const files = ['a', 'b', 'c'].map((name) => ({ path: [name], length: huge }));
    expectMetainfoError(torrentBytes({ name: 'x', 'piece length': 16384, pieces: new Uint8Array(0), files }), /total size of the files is too large/);
  });
  it('parseInfo refuses metadata over maxMetadataSize', () => {
    expect(() => parseInfo(encode(singleInfo()), {}, { maxMetadataSize: 10 })).toThrow(/limit 10/);
  });
  it('parseInfo refuses trailing bytes after the info dict', () => {
    const info = encode(singleInfo());
    const padded = new Uint8Array(info.length + 1);
    padded.set(info);
    expect(() => parseInfo(padded)).toThrow(/trailing data/);
  });
});

describe('metainfo: fields', () => {
  it('single-file torrent: the file path is the name', () => {
    const meta = parseTorrent(torrentBytes(singleInfo()));
    expect(meta.files[0]!.path).toBe('file.bin');
    expect(meta.lastPieceLength).toBe(40000 - 2 * 16384);
  });
  it('total exactly a multiple of the piece length: last piece is full', () => {
    const meta = parseTorrent(torrentBytes(singleInfo({ length: 32768, pieces: dummyPieces(2) })));
    expect(meta.lastPieceLength).toBe(16384);
  });
  it('private flag (BEP 27) only when private is 1', () => {
    expect(parseTorrent(torrentBytes(singleInfo({ private: 1 }))).private).toBe(true);
    expect(parseTorrent(torrentBytes(singleInfo({ private: 0 }))).private).toBe(false);
    expect(parseTorrent(torrentBytes(singleInfo())).private).toBe(false);
  });
  it('announce alone is one tier', () => {
    expect(parseTorrent(torrentBytes(singleInfo(), { announce: 'http://a/ann' })).announce).toEqual([['http://a/ann']]);
  });
  it('announce-list tiers win over announce (BEP 12), deduplicated, empty tiers dropped', () => {
    const meta = parseTorrent(
      torrentBytes(singleInfo(), {
        announce: 'http://a/ann',
        'announce-list': [['http://b/ann', 'udp://c:80', 'http://b/ann'], [], ['udp://c:80'], [' http://d/ann ']],
      }),
    );
    expect(meta.announce).toEqual([['http://b/ann', 'udp://c:80'], ['http://d/ann']]);
  });
  it('malformed announce-list falls back to announce', () => {
    const meta = parseTorrent(torrentBytes(singleInfo(), { announce: 'http://a/ann', 'announce-list': 'nonsense' }));
    expect(meta.announce).toEqual([['http://a/ann']]);
  });
  it('no trackers at all is fine (DHT or magnet peers)', () => {
    expect(parseTorrent(torrentBytes(singleInfo())).announce).toEqual([]);
  });
  it('url-list as a string (BEP 19)', () => {
    expect(parseTorrent(torrentBytes(singleInfo(), { 'url-list': 'http://seed/' })).urlList).toEqual(['http://seed/']);
  });
  it('url-list as a list, deduplicated, empties dropped', () => {
    const meta = parseTorrent(torrentBytes(singleInfo(), { 'url-list': ['http://a/', '', 'http://b/', 'http://a/'] }));
    expect(meta.urlList).toEqual(['http://a/', 'http://b/']);
  });
  it('comment, created by, creation date; comment.utf-8 preferred', () => {
    const meta = parseTorrent(
      torrentBytes(singleInfo(), { comment: Uint8Array.of(0xe9), 'comment.utf-8': 'é', 'created by': 'me', 'creation date': 1700000000 }),
    );
    expect(meta.comment).toBe('é');
    expect(meta.createdBy).toBe('me');
    expect(meta.creationDate).toBe(1700000000);
  });
  it('name.utf-8 is preferred when it is valid UTF-8', () => {
    expect(parseTorrent(torrentBytes(singleInfo({ name: Uint8Array.of(0x93, 0xfa), 'name.utf-8': '日本' }))).name).toBe('日本');
  });
  it('invalid name.utf-8 is ignored', () => {
    expect(parseTorrent(torrentBytes(singleInfo({ name: 'plain', 'name.utf-8': Uint8Array.of(0xff) }))).name).toBe('plain');
  });
  it('name with invalid UTF-8 becomes U+FFFD', () => {
    expect(parseTorrent(torrentBytes(singleInfo({ name: Uint8Array.of(0x61, 0xff) }))).name).toBe('a\ufffd');
  });
  it('name that sanitizes to nothing falls back to the infohash', () => {
    const meta = parseTorrent(torrentBytes(singleInfo({ name: '..' })));
    expect(meta.name).toBe(meta.infoHashHex);
    expect(meta.files[0]!.path).toBe(meta.infoHashHex);
  });
  it('hostile name is sanitized, and the path follows it', () => {
    const meta = parseTorrent(torrentBytes(multiInfo([[['a'], 1]], { name: '../../etc' })));
    expect(meta.name).toBe('.._.._etc');
    expect(meta.files[0]!.path).toBe('.._.._etc/a');
  });
});
