/** The stream handed back after the handshake keeps the TcpSocket contract. */
import { describe, expect, it } from 'vitest';
import type { TcpSocket, TcpSocketHandlers } from '../../../src/platform/interfaces/net.js';
import { MseSocket } from '../../../src/engine/crypto/mse/mse-socket.js';
import { Rc4 } from '../../../src/engine/crypto/mse/rc4.js';
import { utf8 } from '../../../src/engine/util/bytes.js';

class FakeSocket implements TcpSocket {
  readonly remote = { host: '10.0.0.9', port: 1 };
  handlers!: TcpSocketHandlers;
  written: Uint8Array[] = [];
  calls: string[] = [];
  bufferedAmount = 42;
  write(data: Uint8Array): boolean {
    this.written.push(data);
    return false;
  }
  setHandlers(h: TcpSocketHandlers): void {
    this.handlers = h;
  }
  pause(): void {
    this.calls.push('pause');
  }
  resume(): void {
    this.calls.push('resume');
  }
  close(): void {
    this.calls.push('close');
  }
  destroy(): void {
    this.calls.push('destroy');
  }
}

const microtasks = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function collect(socket: TcpSocket) {
  const got: number[] = [];
  const events: string[] = [];
  socket.setHandlers({
    data: (c) => {
      got.push(...c);
      events.push('data');
    },
    drain: () => events.push('drain'),
    close: (e) => events.push(`close:${e?.message ?? ''}`),
  });
  return { got, events };
}

describe('MseSocket', () => {
  it('replays the handshake leftovers before later data, after setHandlers returns', async () => {
    const inner = new FakeSocket();
    const s = new MseSocket(inner, null, null, new Uint8Array([1, 2]));
    inner.handlers.data(new Uint8Array([3]));
    const { got } = collect(s);
    expect(got).toEqual([]);
    await microtasks();
    inner.handlers.data(new Uint8Array([4]));
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('delivers close only after pending data', async () => {
    const inner = new FakeSocket();
    const s = new MseSocket(inner, null, null, new Uint8Array([1]));
    inner.handlers.close(new Error('reset'));
    const { got, events } = collect(s);
    await microtasks();
    expect(got).toEqual([1]);
    expect(events).toEqual(['data', 'close:reset']);
  });

  it('holds data that arrives while paused until resume', async () => {
    const inner = new FakeSocket();
    const s = new MseSocket(inner, null, null, new Uint8Array(0));
    const { got } = collect(s);
    await microtasks();
    s.pause();
    const lent = new Uint8Array([7, 8]);
    inner.handlers.data(lent);
    lent.fill(0); // the adapter reuses its buffer: what we hold must be a copy
    expect(got).toEqual([]);
    s.resume();
    await microtasks();
    expect(got).toEqual([7, 8]);
    expect(inner.calls).toEqual(['pause', 'resume']);
  });

  it('encrypts writes into a copy and decrypts reads', async () => {
    const inner = new FakeSocket();
    const key = utf8('k');
    const s = new MseSocket(inner, new Rc4(key), new Rc4(utf8('r')), new Uint8Array(0));
    const { got } = collect(s);
    await microtasks();
    const data = new Uint8Array([1, 2, 3]);
    expect(s.write(data)).toBe(false); // the inner socket's back-pressure comes through
    expect([...data]).toEqual([1, 2, 3]);
    const expected = new Uint8Array([1, 2, 3]);
    new Rc4(key).process(expected);
    expect([...inner.written[0]!]).toEqual([...expected]);

    const incoming = new Uint8Array([4, 5]);
    new Rc4(utf8('r')).process(incoming);
    inner.handlers.data(incoming);
    expect(got).toEqual([4, 5]);
  });

  it('passes remote, bufferedAmount, drain, close and destroy through', async () => {
    const inner = new FakeSocket();
    const s = new MseSocket(inner, null, null, new Uint8Array(0));
    const { events } = collect(s);
    expect(s.remote).toBe(inner.remote);
    expect(s.bufferedAmount).toBe(42);
    inner.handlers.drain!();
    expect(events).toEqual(['drain']);
    s.close();
    s.destroy();
    expect(inner.calls).toEqual(['close', 'destroy']);
  });
});
