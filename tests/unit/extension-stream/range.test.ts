// HTTP Range for the stream endpoint (RFC 9110 §14): what a media element sends, and the traps.
import { describe, expect, it } from 'vitest';
import { parseRange, rangeHeaders } from '../../../src/extension/stream/range.js';
import { isPlayable, mediaType, parseStreamPath, playerUrl, streamPath } from '../../../src/extension/stream/media-types.js';
import { isStreamRequest } from '../../../src/extension/stream/stream-protocol.js';

const SIZE = 1000;

describe('parseRange', () => {
  it('no header: the whole file, 200', () => {
    expect(parseRange(null, SIZE)).toEqual({ kind: 'full' });
    expect(parseRange('', SIZE)).toEqual({ kind: 'full' });
  });

  it('open-ended "bytes=N-" (what <video> sends first and on every seek)', () => {
    expect(parseRange('bytes=0-', SIZE)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=500-', SIZE)).toEqual({ kind: 'partial', start: 500, end: 999 });
  });

  it('closed ranges, cut at the end of the file', () => {
    expect(parseRange('bytes=10-19', SIZE)).toEqual({ kind: 'partial', start: 10, end: 19 });
    expect(parseRange('bytes=990-5000', SIZE)).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(parseRange('bytes=5-5', SIZE)).toEqual({ kind: 'partial', start: 5, end: 5 });
  });

  it('suffix ranges: the last N bytes', () => {
    expect(parseRange('bytes=-100', SIZE)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', SIZE)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=-0', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  it('a start at or past the end is 416', () => {
    expect(parseRange('bytes=1000-', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=99999999999999999999-', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('several ranges: the first is served', () => {
    expect(parseRange('bytes=0-9, 20-29', SIZE)).toEqual({ kind: 'partial', start: 0, end: 9 });
  });

  it('invalid or foreign headers are ignored (200 whole file), never thrown', () => {
    for (const h of ['items=0-9', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=20-10', 'bytes=1.5-3', 'bytes=--1', `bytes=0-${'9'.repeat(400)}`]) {
      expect(parseRange(h, SIZE), h).toEqual({ kind: 'full' });
    }
    expect(parseRange('Bytes = 3 - 4', SIZE)).toEqual({ kind: 'partial', start: 3, end: 4 });
  });
});

describe('rangeHeaders', () => {
  it('206 carries Content-Range and the part length; 200 the whole length; 416 the size', () => {
    expect(rangeHeaders({ kind: 'partial', start: 10, end: 19 }, SIZE)).toEqual({
      status: 206,
      headers: { 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store', 'Content-Length': '10', 'Content-Range': 'bytes 10-19/1000' },
    });
    expect(rangeHeaders({ kind: 'full' }, SIZE)).toMatchObject({ status: 200, headers: { 'Accept-Ranges': 'bytes', 'Content-Length': '1000' } });
    expect(rangeHeaders({ kind: 'unsatisfiable' }, SIZE)).toMatchObject({ status: 416, headers: { 'Content-Range': 'bytes */1000' } });
  });
});

describe('stream paths and media types', () => {
  const ih = 'a'.repeat(40);
  it('round-trips the stream path, and refuses anything else', () => {
    expect(parseStreamPath(streamPath(ih, 3))).toEqual({ infoHash: ih, fileIndex: 3, info: false });
    expect(parseStreamPath(`${streamPath(ih, 3)}/info`)).toEqual({ infoHash: ih, fileIndex: 3, info: true });
    for (const p of ['/stream/xyz/1', `/stream/${ih}/-1`, `/stream/${ih}/1/../2`, `/stream/${'A'.repeat(40)}/1`, `/streams/${ih}/1`, `/stream/${ih}/12345678`]) {
      expect(parseStreamPath(p), p).toBeNull();
    }
    expect(playerUrl(ih, 2)).toBe(`extension-ui/player.html?ih=${ih}&file=2`);
  });

  it('types by extension, case-insensitive; unknown and prototype names are not playable', () => {
    expect(mediaType('Show/Episode.MP4')).toBe('video/mp4');
    expect(mediaType('a.wav')).toBe('audio/wav');
    expect(isPlayable('x/y.webm')).toBe(true);
    expect(isPlayable('notes.txt')).toBe(false);
    expect(isPlayable('constructor')).toBe(false);
    expect(isPlayable('a.constructor')).toBe(false);
    expect(isPlayable('a.__proto__')).toBe(false);
    expect(mediaType('.mp4')).toBe('application/octet-stream');
  });

  it('the channel accepts well-formed requests only', () => {
    expect(isStreamRequest({ type: 'open', id: 'x', infoHash: ih, fileIndex: 0 })).toBe(true);
    expect(isStreamRequest({ type: 'open', id: 'x', infoHash: 'zz', fileIndex: 0 })).toBe(false);
    expect(isStreamRequest({ type: 'read', id: 'x', seq: 1, offset: 0, length: 10 })).toBe(true);
    expect(isStreamRequest({ type: 'read', id: 'x', seq: 1, offset: '0', length: 10 })).toBe(false);
    expect(isStreamRequest({ type: 'close', id: 'x'.repeat(100) })).toBe(false);
    expect(isStreamRequest(null)).toBe(false);
  });
});
