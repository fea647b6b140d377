import { describe, expect, it } from 'vitest';
import { ReceiveWindow } from '../../../src/relay/credit.js';
import { RelayProtocolError } from '../../../src/relay/protocol.js';

describe('ReceiveWindow', () => {
  it('accepts exactly the window before any credit', () => {
    const w = new ReceiveWindow(1000);
    w.received(600, 1);
    w.received(400, 1);
    expect(() => w.received(1, 1)).toThrow(RelayProtocolError);
  });

  it('sending past the grant is a protocol error naming the stream', () => {
    const w = new ReceiveWindow(10);
    expect(() => w.received(11, 42)).toThrow(/stream 42 sent 11 bytes with only 10 bytes of credit/);
  });

  it('credits back in quarter-window batches, not per frame', () => {
    const w = new ReceiveWindow(1000);
    w.received(1000, 1);
    expect(w.consumed(100)).toBe(0);
    expect(w.consumed(100)).toBe(0);
    expect(w.consumed(50)).toBe(250);
    expect(w.consumed(249)).toBe(0);
  });

  it('a grant reopens the window by that much', () => {
    const w = new ReceiveWindow(1000);
    w.received(1000, 1);
    w.consumed(300);
    w.received(300, 1);
    expect(() => w.received(1, 1)).toThrow(RelayProtocolError);
  });

  it('flush credits back what is pending even below the batch size', () => {
    const w = new ReceiveWindow(1000);
    w.received(10, 1);
    expect(w.consumed(10)).toBe(0);
    expect(w.flush()).toBe(10);
    expect(w.flush()).toBe(0);
  });

  it('a sender that used the whole window always gets credit once it is consumed', () => {
    const w = new ReceiveWindow(3);
    w.received(3, 1);
    expect(w.consumed(3)).toBe(3);
  });
});
