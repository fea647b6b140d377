import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineFailure, fixtureTorrent, requireBuild, runCli } from './helpers.js';

const fixture = fixtureTorrent();
let server: Server;
let base: string;

beforeAll(async () => {
  requireBuild();
  server = createServer((req, res) => {
    if (req.url === '/f.torrent') res.end(Buffer.from(fixture.bytes));
    else if (req.url === '/huge.torrent') res.end(Buffer.alloc(11 * 1024 * 1024, 0x64));
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a .torrent from an http URL', () => {
  it('is fetched and read', async () => {
    const r = await runCli(['info', `${base}/f.torrent`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`infohash: ${fixture.infoHash}`);
  });

  it('fails in one line on HTTP 404, naming the status', async () => {
    const r = await runCli(['info', `${base}/missing.torrent`]);
    expect(expectOneLineFailure(r, 1)).toEqual([]);
    expect(r.stderr).toContain('404');
  });

  it('is refused above the 10 MB cap', async () => {
    const r = await runCli(['info', `${base}/huge.torrent`]);
    expect(expectOneLineFailure(r, 1)).toEqual([]);
  });
});
