import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { NodeNetwork } from '../../../src/platform/node/node-network.js';
import { NetError, type TcpListener, type TcpSocket, type UdpSocket } from '../../../src/platform/interfaces/net.js';
import { concat, equalBytes, utf8, fromUtf8 } from '../../../src/engine/util/bytes.js';

const net = new NodeNetwork();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function listen(onConnection: (s: TcpSocket) => void): Promise<TcpListener> {
  return net.listen(0, '127.0.0.1', onConnection).then((l) => {
    cleanups.push(() => l.close());
    return l;
  });
}

/** Collects everything a socket receives until it closes. */
function collect(socket: TcpSocket): Promise<{ data: Uint8Array; error: Error | undefined; closes: number }> {
  return new Promise((resolve) => {
    const parts: Uint8Array[] = [];
    let closes = 0;
    socket.setHandlers({
      data: (chunk) => parts.push(chunk.slice()), // chunks are lent: copy to keep
      close: (error) => {
        closes++;
        // Give a second close call a chance to show up before resolving.
        setTimeout(() => resolve({ data: concat(parts), error, closes }), 20);
      },
    });
  });
}

function echoServer(): Promise<TcpListener> {
  return listen((s) =>
    s.setHandlers({
      data: (chunk) => s.write(chunk),
      close: () => undefined,
    }),
  );
}

describe('NodeNetwork TCP', () => {
  it('echoes bytes over 127.0.0.1 and reports the remote endpoint', async () => {
    const listener = await echoServer();
    expect(listener.port).toBeGreaterThan(0);
    const socket = await net.connect({ host: '127.0.0.1', port: listener.port });
    expect(socket.remote).toEqual({ host: '127.0.0.1', port: listener.port });
    const received: Uint8Array[] = [];
    const got = new Promise<void>((resolve) =>
      socket.setHandlers({
        data: (chunk) => {
          received.push(chunk);
          if (concat(received).length === 5) resolve();
        },
        close: () => undefined,
      }),
    );
    socket.write(utf8('hello'));
    await got;
    expect(fromUtf8(concat(received))).toBe('hello');
    socket.destroy();
  });

  it('moves a megabyte intact in both directions', async () => {
    const listener = await echoServer();
    const socket = await net.connect({ host: '127.0.0.1', port: listener.port });
    const payload = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
    const parts: Uint8Array[] = [];
    let total = 0;
    const done = new Promise<void>((resolve) =>
      socket.setHandlers({
        data: (chunk) => {
          parts.push(chunk.slice()); // chunks are lent: copy to keep
          total += chunk.length;
          if (total === payload.length) resolve();
        },
        close: () => undefined,
      }),
    );
    socket.write(payload);
    await done;
    expect(equalBytes(concat(parts), payload)).toBe(true);
    socket.destroy();
  });

  it('rejects a connect to a closed port with NetError refused', async () => {
    const listener = await net.listen(0, '127.0.0.1', () => undefined);
    const port = listener.port;
    await listener.close();
    const error = await net.connect({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetError);
    expect((error as NetError).kind).toBe('refused');
  });

  it('delivers data that arrived before setHandlers, after it', async () => {
    let serverSide!: Socket;
    const server: Server = createServer((s) => {
      serverSide = s;
      s.end('early bytes');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as { port: number }).port;
    const socket = await net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => setTimeout(r, 50));
    expect(serverSide).toBeDefined();
    const result = await collect(socket);
    expect(fromUtf8(result.data)).toBe('early bytes');
    expect(result.closes).toBe(1);
  });

  it('holds incoming connections paused until handlers are installed', async () => {
    let accepted!: TcpSocket;
    const gotConnection = new Promise<void>((resolve) => {
      void listen((s) => {
        accepted = s;
        resolve();
      }).then(async (listener) => {
        const client = await net.connect({ host: '127.0.0.1', port: listener.port });
        client.write(utf8('first'));
        client.close();
      });
    });
    await gotConnection;
    await new Promise((r) => setTimeout(r, 50));
    const result = await collect(accepted);
    expect(fromUtf8(result.data)).toBe('first');
  });

  it('fires close exactly once on a local close()', async () => {
    const listener = await echoServer();
    const socket = await net.connect({ host: '127.0.0.1', port: listener.port });
    const result = collect(socket);
    socket.close();
    socket.close();
    socket.destroy();
    const { closes, error } = await result;
    expect(closes).toBe(1);
    expect(error).toBeUndefined();
  });

  it('fires close once with an error when the remote resets', async () => {
    let rawServer!: Socket;
    const server = createServer((s) => {
      rawServer = s;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const socket = await net.connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
    const result = collect(socket);
    await new Promise((r) => setTimeout(r, 30));
    rawServer.resetAndDestroy();
    const { closes, error } = await result;
    expect(closes).toBe(1);
    expect(error).toBeInstanceOf(Error);
  });

  it('reports bufferedAmount and write() false past the high-water mark', async () => {
    const small = new NodeNetwork({ highWaterMark: 1024 });
    let accepted!: TcpSocket;
    const listener = await small.listen(0, '127.0.0.1', (s) => {
      accepted = s; // never reads: the kernel buffers fill, then ours
    });
    cleanups.push(() => listener.close());
    const socket = await small.connect({ host: '127.0.0.1', port: listener.port });
    socket.setHandlers({ data: () => undefined, close: () => undefined });
    const block = new Uint8Array(64 * 1024);
    let ok = true;
    for (let i = 0; i < 200 && ok; i++) ok = socket.write(block);
    expect(ok).toBe(false);
    expect(socket.bufferedAmount).toBeGreaterThan(0);
    socket.destroy();
    accepted?.destroy();
  });

  it('fires drain after write() returned false and the buffer emptied', async () => {
    const small = new NodeNetwork({ highWaterMark: 1024 });
    const listener = await small.listen(0, '127.0.0.1', (s) => s.setHandlers({ data: () => undefined, close: () => undefined }));
    cleanups.push(() => listener.close());
    const socket = await small.connect({ host: '127.0.0.1', port: listener.port });
    const drained = new Promise<void>((resolve) => socket.setHandlers({ data: () => undefined, drain: resolve, close: () => undefined }));
    // Synchronous loop: the kernel buffers fill first, then the stream's.
    let ok = true;
    for (let i = 0; i < 1000 && ok; i++) ok = socket.write(new Uint8Array(64 * 1024));
    expect(ok).toBe(false);
    await drained;
    expect(socket.bufferedAmount).toBeLessThan(1024);
    socket.destroy();
  });

  it('rejects listening on a port in use', async () => {
    const listener = await listen(() => undefined);
    const error = await net.listen(listener.port, '127.0.0.1', () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetError);
  });
});

describe('NodeNetwork UDP', () => {
  async function bind(host = '127.0.0.1'): Promise<UdpSocket> {
    const socket = await net.bindUdp(0, host);
    cleanups.push(() => socket.close());
    return socket;
  }

  it('round-trips a datagram on 127.0.0.1 with the sender endpoint', async () => {
    const a = await bind();
    const b = await bind();
    const got = new Promise<[Uint8Array, { host: string; port: number }]>((resolve) => b.setHandler((data, from) => resolve([data, from])));
    a.send(utf8('ping'), { host: '127.0.0.1', port: b.port });
    const [data, from] = await got;
    expect(fromUtf8(data)).toBe('ping');
    expect(from).toEqual({ host: '127.0.0.1', port: a.port });
  });

  it('resolves host names when sending', async () => {
    const a = await bind();
    const b = await bind();
    const got = new Promise<Uint8Array>((resolve) => b.setHandler((data) => resolve(data)));
    a.send(utf8('by name'), { host: 'localhost', port: b.port });
    expect(fromUtf8(await got)).toBe('by name');
  });

  it('swallows send errors (wrong family, closed socket)', async () => {
    const a = await bind();
    expect(() => a.send(utf8('x'), { host: '::1', port: 9 })).not.toThrow();
    expect(() => a.send(utf8('x'), { host: '127.0.0.1', port: 70000 })).not.toThrow();
    a.close();
    expect(() => a.send(utf8('x'), { host: '127.0.0.1', port: 9 })).not.toThrow();
    await new Promise((r) => setTimeout(r, 20));
  });

  it('a dual-stack socket (bound to ::) reaches IPv4 peers and sees them as plain IPv4', async () => {
    const dual = await bind('::');
    const v4 = await bind('127.0.0.1');
    const got = new Promise<[Uint8Array, { host: string; port: number }]>((resolve) => v4.setHandler((data, from) => resolve([data, from])));
    dual.send(utf8('to v4'), { host: '127.0.0.1', port: v4.port });
    const [data] = await got;
    expect(fromUtf8(data)).toBe('to v4');
    const back = new Promise<{ host: string; port: number }>((resolve) => dual.setHandler((_d, from) => resolve(from)));
    v4.send(utf8('back'), { host: '127.0.0.1', port: dual.port });
    expect(await back).toEqual({ host: '127.0.0.1', port: v4.port });
  });

  it('joins a multicast group on the loopback interface and hears itself and others there', async () => {
    const group = '239.192.152.143';
    const port = 46000 + Math.floor(Math.random() * 1000);
    const options = { group, port, interfaceAddress: '127.0.0.1', ttl: 1, loopback: true };
    const a = await net.bindMulticast(options);
    const b = await net.bindMulticast(options); // address reuse: two members on one port
    cleanups.push(() => a.close(), () => b.close());
    const heardByA = new Promise<string>((resolve) => a.setHandler((data) => resolve(fromUtf8(data))));
    const heardByB = new Promise<{ host: string }>((resolve) => b.setHandler((_d, from) => resolve(from)));
    a.send(utf8('hello group'), { host: group, port });
    expect(await heardByA).toBe('hello group');
    expect((await heardByB).host).toBe('127.0.0.1');
  });

  it('keeps datagrams that arrive before setHandler', async () => {
    const a = await bind();
    const b = await bind();
    a.send(utf8('early'), { host: '127.0.0.1', port: b.port });
    await new Promise((r) => setTimeout(r, 50));
    const got = new Promise<Uint8Array>((resolve) => b.setHandler((data) => resolve(data)));
    expect(fromUtf8(await got)).toBe('early');
  });
});
