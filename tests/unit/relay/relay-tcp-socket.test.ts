/** The browser side of one relayed TCP stream, against a fake link (no WebSocket). */
import { describe, expect, it } from 'vitest';
import { NetError } from '../../../src/platform/interfaces/net.js';
import { RelayTcpSocket, type RelayLink } from '../../../src/platform/browser/relay-tcp-socket.js';
import { decodeFrame, Op, RelayProtocolError, type Frame } from '../../../src/relay/protocol.js';
import { relayLimits } from '../../../src/relay/limits.js';

const limits = relayLimits();

function setup(options: { hostWindow?: number; ourWindow?: number; highWaterMark?: number; maxData?: number } = {}) {
  const sent: Frame[] = [];
  const forgotten: number[] = [];
  const link: RelayLink = {
    send: (frame) => sent.push(decodeFrame(frame, 'client', limits)),
    forget: (id) => forgotten.push(id),
    maxData: options.maxData ?? 1000,
  };
  const socket = new RelayTcpSocket(link, 7, { host: '192.0.2.1', port: 6881 }, options.hostWindow ?? 3000, options.ourWindow ?? 4000, options.highWaterMark ?? 2000);
  const events: string[] = [];
  const handlers = {
    data: (d: Uint8Array) => events.push(`data:${d.length}`),
    drain: () => events.push('drain'),
    close: (e?: Error) => events.push(`close:${e ? (e as NetError).kind : ''}`),
  };
  const dataBytes = () => sent.filter((f) => f.op === Op.DATA).reduce((n, f) => n + (f as { data: Uint8Array }).data.length, 0);
  const credits = () => sent.filter((f) => f.op === Op.CREDIT).reduce((n, f) => n + (f as { bytes: number }).bytes, 0);
  return { socket, sent, forgotten, events, handlers, dataBytes, credits };
}

describe('RelayTcpSocket sending', () => {
  it('splits a write into DATA frames of at most maxData', () => {
    const t = setup();
    expect(t.socket.write(new Uint8Array(2500))).toBe(true);
    expect(t.sent.map((f) => (f as { data: Uint8Array }).data.length)).toEqual([1000, 1000, 500]);
  });

  it('never sends beyond the host credit; the rest counts in bufferedAmount', () => {
    const t = setup({ hostWindow: 3000 });
    t.socket.write(new Uint8Array(4000));
    expect(t.dataBytes()).toBe(3000);
    expect(t.socket.bufferedAmount).toBe(1000);
  });

  it('write() returns false past the high-water mark, and drain follows when credit empties the queue', () => {
    const t = setup({ hostWindow: 1000, highWaterMark: 2000 });
    t.socket.setHandlers(t.handlers);
    expect(t.socket.write(new Uint8Array(3500))).toBe(false);
    t.socket.onCredit(1000);
    expect(t.events).toEqual([]);
    t.socket.onCredit(2000);
    expect(t.socket.bufferedAmount).toBe(0);
    expect(t.events).toEqual(['drain']);
    expect(t.dataBytes()).toBe(3500);
  });

  it('queued writes keep their order behind earlier ones', () => {
    const t = setup({ hostWindow: 2 });
    t.socket.write(Uint8Array.of(1, 2, 3));
    t.socket.write(Uint8Array.of(4));
    t.socket.onCredit(10);
    const bytes = t.sent.filter((f) => f.op === Op.DATA).flatMap((f) => [...(f as { data: Uint8Array }).data]);
    expect(bytes).toEqual([1, 2, 3, 4]);
  });

  it('close() sends END only after queued data', () => {
    const t = setup({ hostWindow: 10 });
    t.socket.write(new Uint8Array(20));
    t.socket.close();
    expect(t.sent.some((f) => f.op === Op.END)).toBe(false);
    t.socket.onCredit(10);
    expect(t.sent.at(-1)).toEqual({ op: Op.END, stream: 7 });
    expect(t.socket.write(new Uint8Array(1))).toBe(false);
  });

  it('destroy() sends CLOSE, forgets the stream and delivers close once, later', async () => {
    const t = setup();
    t.socket.setHandlers(t.handlers);
    t.socket.destroy();
    t.socket.destroy();
    expect(t.sent).toEqual([{ op: Op.CLOSE, stream: 7, kind: 'none', message: '' }]);
    expect(t.forgotten).toEqual([7]);
    expect(t.events).toEqual([]);
    await Promise.resolve();
    expect(t.events).toEqual(['close:']);
  });
});

describe('RelayTcpSocket receiving', () => {
  it('data before setHandlers is delivered after it, in order', () => {
    const t = setup();
    t.socket.onData(new Uint8Array(10));
    t.socket.onData(new Uint8Array(20));
    t.socket.setHandlers(t.handlers);
    expect(t.events).toEqual(['data:10', 'data:20']);
  });

  it('credits back in quarter-window batches as the engine consumes', () => {
    const t = setup({ ourWindow: 4000 });
    t.socket.setHandlers(t.handlers);
    t.socket.onData(new Uint8Array(600));
    expect(t.credits()).toBe(0);
    t.socket.onData(new Uint8Array(600));
    expect(t.credits()).toBe(1200);
  });

  it('pause() withholds credit, so the host stops after one window', () => {
    const t = setup({ ourWindow: 4000 });
    t.socket.setHandlers(t.handlers);
    t.socket.pause();
    t.socket.onData(new Uint8Array(4000));
    expect(t.events).toEqual([]);
    expect(t.credits()).toBe(0);
    expect(() => t.socket.onData(new Uint8Array(1))).toThrow(RelayProtocolError);
  });

  it('resume() delivers what arrived while paused, then credits it', () => {
    const t = setup({ ourWindow: 4000 });
    t.socket.setHandlers(t.handlers);
    t.socket.pause();
    t.socket.onData(new Uint8Array(3000));
    t.socket.resume();
    expect(t.events).toEqual(['data:3000']);
    expect(t.credits()).toBe(3000);
  });

  it('an orderly close waits for paused data', () => {
    const t = setup();
    t.socket.setHandlers(t.handlers);
    t.socket.pause();
    t.socket.onData(new Uint8Array(5));
    t.socket.onClose('none', '');
    expect(t.events).toEqual([]);
    t.socket.resume();
    expect(t.events).toEqual(['data:5', 'close:']);
  });

  it('an error close is delivered at once as a NetError of that kind', () => {
    const t = setup();
    t.socket.setHandlers(t.handlers);
    t.socket.pause();
    t.socket.onData(new Uint8Array(5));
    t.socket.onClose('closed', 'read ECONNRESET');
    expect(t.events).toEqual(['close:closed']);
    expect(t.forgotten).toEqual([7]);
  });

  it('losing the relay closes with NetError closed, once', () => {
    const t = setup();
    t.socket.setHandlers(t.handlers);
    t.socket.onLost(new NetError('closed', 'relay connection lost'));
    t.socket.onClose('none', '');
    expect(t.events).toEqual(['close:closed']);
  });
});
