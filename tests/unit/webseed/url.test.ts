import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/engine/bencode/index.js';
import { parseTorrent } from '../../../src/engine/metainfo/index.js';
import { sha1 } from '../../../src/engine/util/sha1.js';
import { checkWebSeedUrl, WebSeedUrls } from '../../../src/engine/webseed/index.js';
import { content, multiFile, singleFile } from './helpers.js';

const single = singleFile('movie.mkv', content(1000, 1), 16384).meta;
const multi = multiFile('album', [
  { path: ['cd1', 'track 01.flac'], data: content(100, 1) },
  { path: ['cover.jpg'], data: content(100, 2) },
], 16384).meta;

describe('web seed URLs (BEP 19)', () => {
  it('single-file entry without a slash is the file itself', () => {
    expect(new WebSeedUrls('http://h/files/movie-copy.mkv', single).fileUrl(0)).toBe('http://h/files/movie-copy.mkv');
  });

  it('single-file entry with a slash gets the name appended', () => {
    expect(new WebSeedUrls('http://h/files/', single).fileUrl(0)).toBe('http://h/files/movie.mkv');
  });

  it('multi-file entry with a slash gets name/path appended', () => {
    const urls = new WebSeedUrls('http://h/pub/', multi);
    expect(urls.fileUrl(0)).toBe('http://h/pub/album/cd1/track%2001.flac');
    expect(urls.fileUrl(1)).toBe('http://h/pub/album/cover.jpg');
  });

  it('multi-file entry without a slash is treated as a directory', () => {
    expect(new WebSeedUrls('http://h/pub', multi).fileUrl(1)).toBe('http://h/pub/album/cover.jpg');
  });

  it('reserved characters in names are percent-encoded, one component at a time', () => {
    const meta = multiFile('a b+c', [{ path: ['x?y#z', '100%', 'é&=;'], data: content(10, 1) }], 16384).meta;
    expect(new WebSeedUrls('https://h/', meta).fileUrl(0)).toBe('https://h/a%20b%2Bc/x%3Fy%23z/100%25/%C3%A9%26%3D%3B');
  });

  it('a slash inside a path component is encoded, not a directory', () => {
    const meta = multiFile('n', [{ path: ['a/b'], data: content(10, 1) }], 16384).meta;
    expect(new WebSeedUrls('http://h/', meta).fileUrl(0)).toBe('http://h/n/a%2Fb');
  });

  it('uses the raw names, not the names sanitized for the local disk', () => {
    // A reserved Windows name and a trailing dot are renamed on disk, but the server has them as they are.
    const meta = multiFile('n', [{ path: ['CON'], data: content(10, 1) }, { path: ['end.'], data: content(10, 2) }], 16384).meta;
    const urls = new WebSeedUrls('http://h/', meta);
    expect([urls.fileUrl(0), urls.fileUrl(1)]).toEqual(['http://h/n/CON', 'http://h/n/end.']);
  });

  it('non-UTF-8 names are encoded byte for byte', () => {
    const meta = singleFile(Uint8Array.of(0x63, 0xe9, 0x2e, 0x74), content(10, 1), 16384).meta; // "cé.t" in Latin-1
    expect(new WebSeedUrls('http://h/', meta).fileUrl(0)).toBe('http://h/c%E9.t');
  });

  it('prefers path.utf-8 when present, as the metainfo parser does', () => {
    const data = content(10, 1);
    const info = {
      files: [{ length: 10, path: [Uint8Array.of(0x8a)], 'path.utf-8': ['ü'] }],
      name: 'n',
      'piece length': 16384,
      pieces: sha1(data),
    };
    const meta = parseTorrent(encode({ info }));
    expect(new WebSeedUrls('http://h/', meta).fileUrl(0)).toBe('http://h/n/%C3%BC');
  });

  it('duplicate paths keep their server name though the disk copy is renamed', () => {
    const meta = multiFile('n', [{ path: ['same'], data: content(10, 1) }, { path: ['same'], data: content(10, 2) }], 16384).meta;
    expect(meta.files[1]!.path).not.toBe('n/same');
    expect(new WebSeedUrls('http://h/', meta).fileUrl(1)).toBe('http://h/n/same');
  });

  it('refuses a URL that is not http or https', () => {
    expect(checkWebSeedUrl('ftp://h/file')).toMatch(/only http and https/);
    expect(() => new WebSeedUrls('ftp://h/file', single)).toThrow(/only http and https/);
  });

  it('refuses a string that is not a URL', () => {
    expect(checkWebSeedUrl('not a url')).toMatch(/not a valid URL/);
  });

  it('accepts http and https', () => {
    expect(checkWebSeedUrl('http://h/')).toBeNull();
    expect(checkWebSeedUrl('https://h/x')).toBeNull();
  });
});
