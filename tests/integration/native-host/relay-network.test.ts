/** RelayNetwork (the browser's Network) through the real host process, in Node with ws. */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetError, type TcpSocket } from '../../../src/platform/interfaces/net.js';
import { RelayNetwork } from '../../../src/platform/browser/relay-network.js';
import { DEFAULT_RELAY_LIMITS } from '../../../src/relay/limits.js';
import { HostProcess, requireBuild, wsWithOrigin } from './helpers.js';

let host: HostProcess;
let relay: RelayNetwork;
let relayUrl: string;
let relaySecret: string;

beforeAll(async () => {
  requireBuild();
  host = HostProcess.spawn();
  const ready = await host.ready();
  relayUrl = `ws://127.0.0.1:${ready.port}`;
  relaySecret = ready.secret;
  relay = await RelayNetwork.connect({ url: relayUrl, secret: relaySecret, WebSocketImpl: wsWithOrigin() });
});

afterAll(async () => {
  relay?.close();
  await host?.stop();
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function listenLocal(onSocket: (socket: Socket) => void): Promise<Server & { port: number }> {
  // Peers reset by a test's destroy() must not crash the test process.
  const server = createServer((socket) => onSocket(socket.on('error', () => undefined)));
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(Object.assign(server, { port: (server.address() as AddressInfo).port }))));
}

/** Writes `data` in chunks, honouring write() === false and drain. */
function writeAll(socket: TcpSocket, data: Uint8Array, chunk: number, onDrain: { fn: () => void }): void {
  let offset = 0;
  const pump = (): void => {
    while (offset < data.length) {
      const end = Math.min(data.length, offset + chunk);
      const more = socket.write(data.subarray(offset, end));
      offset = end;
      if (!more) return;
    }
  };
  onDrain.fn = pump;
  pump();
}

describe('RelayNetwork through the host', () => {
  it('moves 64 MiB through a local echo server intact, and reports the rate', async () => {
    const echo = await listenLocal((s) => s.pipe(s));
    const size = 64 * 1024 * 1024;
    const data = randomBytes(size);
    const received = Buffer.allocUnsafe(size);
    let got = 0;
    const socket = await relay.connect({ host: '127.0.0.1', port: echo.port });
    const started = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      const drain = { fn: () => undefined as void };
      socket.setHandlers({
        data: (chunk) => {
          received.set(chunk, got); // lent for the call: copy
          got += chunk.length;
          if (got === size) resolve();
        },
        drain: () => drain.fn(),
        close: (error) => (got === size ? undefined : reject(error ?? new Error(`closed after ${got} bytes`))),
      });
      writeAll(socket, data, 1024 * 1024, drain);
    });
    await done;
    const seconds = (performance.now() - started) / 1000;
    const rate = size / 1024 / 1024 / seconds;
    console.log(`relay echo: 64 MiB each way in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} MiB/s per direction, ${(2 * rate).toFixed(0)} MiB/s through the relay`);
    expect(received.equals(data)).toBe(true);
    // The target (>200 MB/s) is reported above; this only catches stalls (loaded machines vary 5x).
    expect(rate).toBeGreaterThan(10);
    socket.destroy();
    echo.close();
  }, 60_000);

  it('downloads 64 MiB from a fast peer intact, and reports the rate', async () => {
    const size = 64 * 1024 * 1024;
    const data = randomBytes(size);
    const server = await listenLocal((s) => s.end(data));
    const received = Buffer.allocUnsafe(size);
    let got = 0;
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    const started = performance.now();
    await new Promise<void>((resolve) =>
      socket.setHandlers({
        data: (chunk) => {
          received.set(chunk, got);
          got += chunk.length;
        },
        close: () => resolve(),
      }),
    );
    const rate = size / 1024 / 1024 / ((performance.now() - started) / 1000);
    console.log(`relay download: 64 MiB at ${rate.toFixed(0)} MiB/s`);
    expect(got).toBe(size);
    expect(received.equals(data)).toBe(true);
    expect(rate).toBeGreaterThan(10); // catches stalls only; the rate is printed
    server.close();
  }, 60_000);

  it("a fast peer's socket reads reach us coalesced into large DATA frames (not one per 64 KiB read)", async () => {
    const size = 16 * 1024 * 1024;
    const server = await listenLocal((s) => s.end(randomBytes(size)));
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    let got = 0;
    let frames = 0;
    await new Promise<void>((resolve) =>
      socket.setHandlers({
        data: (chunk) => {
          got += chunk.length;
          frames++;
        },
        close: () => resolve(),
      }),
    );
    expect(got).toBe(size);
    // One DATA frame per 64 KiB read would be 256; frames of up to 256 KiB are 64.
    expect(size / frames).toBeGreaterThan(128 * 1024);
    server.close();
  }, 30_000);

  it('small writes of one turn leave in one WebSocket message (a BATCH), and arrive in order', async () => {
    let sends = 0;
    const Counting = wsWithOrigin();
    class CountingWebSocket extends (Counting as unknown as new (url: string, protocols?: string[]) => WebSocket) {
      override send(data: Parameters<WebSocket['send']>[0]): void {
        sends++;
        super.send(data);
      }
    }
    const echo = await listenLocal((s) => s.pipe(s));
    const counted = await RelayNetwork.connect({
      url: relayUrl,
      secret: relaySecret,
      WebSocketImpl: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    });
    const socket = await counted.connect({ host: '127.0.0.1', port: echo.port });
    let echoed = '';
    const done = deferred<void>();
    socket.setHandlers({
      data: (chunk) => {
        echoed += Buffer.from(chunk).toString('latin1');
        if (echoed.length === 100 * 3) done.resolve();
      },
      close: () => undefined,
    });
    const before = sends;
    for (let i = 0; i < 100; i++) socket.write(Buffer.from(String(i % 10).repeat(3)));
    await Promise.resolve();
    expect(sends - before).toBe(0); // not a microtask: queued host messages go first
    await new Promise((done) => setImmediate(done));
    expect(sends - before).toBe(1);
    await done.promise;
    expect(echoed).toBe(Array.from({ length: 100 }, (_, i) => String(i % 10).repeat(3)).join(''));
    counted.close();
    echo.close();
  });

  it('reports the peer address and port on connect', async () => {
    const server = await listenLocal(() => undefined);
    const socket = await relay.connect({ host: 'localhost', port: server.port });
    expect(socket.remote).toEqual({ host: '127.0.0.1', port: server.port });
    socket.destroy();
    server.close();
  });

  it('a refused connect rejects with NetError refused', async () => {
    const server = await listenLocal(() => undefined);
    const port = server.port;
    await new Promise((done) => server.close(done));
    const error = await relay.connect({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetError);
    expect((error as NetError).kind).toBe('refused');
  });

  it('an unknown host rejects with NetError unreachable', async () => {
    const error = await relay.connect({ host: 'no-such-host.invalid', port: 80 }).catch((e: unknown) => e);
    expect((error as NetError).kind).toBe('unreachable');
  });

  it('the peer closing is delivered once, after its data', async () => {
    const server = await listenLocal((s) => s.end('bye'));
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    const events: string[] = [];
    await new Promise<void>((done) =>
      socket.setHandlers({
        data: (d) => events.push(Buffer.from(d).toString()),
        close: (error) => {
          events.push(`close:${error?.message ?? ''}`);
          setTimeout(done, 50);
        },
      }),
    );
    expect(events).toEqual(['bye', 'close:']);
    server.close();
  });

  it('close() sends our data, then the peer sees end of stream', async () => {
    let seen = '';
    const ended = deferred<void>();
    const server = await listenLocal((s) => {
      s.on('data', (d: Buffer) => (seen += d.toString()));
      s.on('end', () => {
        s.end();
        ended.resolve();
      });
    });
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    const closed = new Promise<Error | undefined>((done) => socket.setHandlers({ data: () => undefined, close: done }));
    socket.write(Buffer.from('last words'));
    socket.close();
    await ended.promise;
    expect(seen).toBe('last words');
    expect(await closed).toBeUndefined();
    server.close();
  });

  it('listen/accept: a node:net client reaches the relayed listener', async () => {
    const accepted = deferred<TcpSocket>();
    const listener = await relay.listen(0, '127.0.0.1', (socket) => accepted.resolve(socket));
    expect(listener.port).toBeGreaterThan(0);
    const client = netConnect(listener.port, '127.0.0.1').on('error', () => undefined);
    await new Promise((done) => client.once('connect', done));
    const socket = await accepted.promise;
    expect(socket.remote).toEqual({ host: '127.0.0.1', port: client.localPort });
    const fromClient = new Promise<string>((done) => socket.setHandlers({ data: (d) => done(Buffer.from(d).toString()), close: () => undefined }));
    client.write('ping');
    expect(await fromClient).toBe('ping');
    const fromRelay = new Promise<string>((done) => client.once('data', (d: Buffer) => done(d.toString())));
    socket.write(Buffer.from('pong'));
    expect(await fromRelay).toBe('pong');
    socket.destroy();
    client.destroy();
    await listener.close();
    // Closed (the CLOSE reaches the host asynchronously): new connections are soon refused.
    let code: string | undefined;
    for (let attempt = 0; attempt < 20 && code !== 'ECONNREFUSED'; attempt++) {
      await new Promise((done) => setTimeout(done, 25));
      const probe = netConnect(listener.port, '127.0.0.1');
      code = await new Promise<string | undefined>((done) => {
        probe.once('error', (error: NodeJS.ErrnoException) => done(error.code));
        probe.once('connect', () => (probe.destroy(), done('connected')));
      });
    }
    expect(code).toBe('ECONNREFUSED');
  });

  it('UDP bind/send/receive round trip', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((done) => peer.bind(0, '127.0.0.1', done));
    peer.on('message', (msg, rinfo) => peer.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address));
    const udp = await relay.bindUdp(0, '127.0.0.1');
    expect(udp.port).toBeGreaterThan(0);
    const reply = new Promise<{ text: string; from: { host: string; port: number } }>((done) =>
      udp.setHandler((data, from) => done({ text: Buffer.from(data).toString(), from })),
    );
    udp.send(Buffer.from('d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe'), { host: '127.0.0.1', port: peer.address().port });
    const { text, from } = await reply;
    expect(text).toBe('echo:d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe');
    expect(from).toEqual({ host: '127.0.0.1', port: peer.address().port });
    udp.close();
    peer.close();
  });

  it('flow control: a fast sender cannot make the host buffer more than a window while we are paused', async () => {
    const size = 32 * 1024 * 1024;
    const data = randomBytes(size);
    const server = await listenLocal((s) => s.end(data));
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    const received: Buffer[] = [];
    let got = 0;
    let deliveredDuringResume = 0;
    let resuming = false;
    const complete = deferred<void>();
    socket.setHandlers({
      data: (chunk) => {
        received.push(Buffer.from(chunk));
        got += chunk.length;
        if (resuming) deliveredDuringResume += chunk.length;
      },
      close: () => complete.resolve(),
    });
    socket.pause();
    await new Promise((done) => setTimeout(done, 1_000));
    const stats = await host.stats();
    // One stream: at most a read chunk waiting for credit plus Node's socket buffers.
    expect(stats.bufferedBytes).toBeLessThan(1024 * 1024);
    expect(got).toBe(0);
    resuming = true;
    socket.resume();
    resuming = false;
    // What had arrived while paused is at most our window.
    expect(deliveredDuringResume).toBeGreaterThan(0);
    expect(deliveredDuringResume).toBeLessThanOrEqual(DEFAULT_RELAY_LIMITS.streamWindowBytes);
    await complete.promise;
    expect(Buffer.concat(received).equals(data)).toBe(true);
    server.close();
  }, 30_000);

  it('write() returns false past the high-water mark and drain follows', async () => {
    const server = await listenLocal((s) => s.resume());
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    const drained = new Promise<void>((done) => socket.setHandlers({ data: () => undefined, drain: done, close: () => undefined }));
    // More than the host's window plus our high-water mark (256 KiB) at once.
    expect(socket.write(new Uint8Array(DEFAULT_RELAY_LIMITS.streamWindowBytes + 1024 * 1024))).toBe(false);
    expect(socket.bufferedAmount).toBeGreaterThan(0);
    await drained;
    expect(socket.bufferedAmount).toBe(0);
    socket.destroy();
    server.close();
  });

  it('destroy() delivers close once, after it returns', async () => {
    const server = await listenLocal(() => undefined);
    const socket = await relay.connect({ host: '127.0.0.1', port: server.port });
    let closes = 0;
    socket.setHandlers({ data: () => undefined, close: () => closes++ });
    socket.destroy();
    expect(closes).toBe(0);
    socket.destroy();
    await new Promise((done) => setTimeout(done, 20));
    expect(closes).toBe(1);
    server.close();
  });
});

describe('when the host goes away', () => {
  it('onDisconnect fires and open sockets close with NetError closed', async () => {
    const own = HostProcess.spawn();
    const ready = await own.ready();
    const network = await RelayNetwork.connect({ url: `ws://127.0.0.1:${ready.port}`, secret: ready.secret, WebSocketImpl: wsWithOrigin() });
    const server = await listenLocal(() => undefined);
    const socket = await network.connect({ host: '127.0.0.1', port: server.port });
    const closed = new Promise<Error | undefined>((done) => socket.setHandlers({ data: () => undefined, close: done }));
    const disconnected = new Promise<number>((done) => network.onDisconnect(({ code }) => done(code)));
    await own.stop();
    expect(await disconnected).toBe(1001);
    const error = await closed;
    expect(error).toBeInstanceOf(NetError);
    expect((error as NetError).kind).toBe('closed');
    await expect(network.connect({ host: '127.0.0.1', port: server.port })).rejects.toThrow(/relay connection is closed/);
    server.close();
  });

  it('a wrong secret is refused with a clear error', async () => {
    const own = HostProcess.spawn();
    const ready = await own.ready();
    await expect(RelayNetwork.connect({ url: `ws://127.0.0.1:${ready.port}`, secret: '0'.repeat(32), WebSocketImpl: wsWithOrigin() })).rejects.toThrow(
      /relay refused the connection/,
    );
    await own.stop();
  });
});
