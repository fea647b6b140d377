// The receiving half: in-order delivery, the bounded reorder buffer, FIN, selective acks.
import { describe, expect, it } from 'vitest';
import { ReceiveBuffer } from '../../../src/engine/utp/receive-buffer.js';

const ROOM = 1 << 20;
const b = (...xs: number[]) => Uint8Array.from(xs);
const flat = (chunks: Uint8Array[]) => chunks.flatMap((c) => [...c]);

describe('uTP receive buffer', () => {
  it('delivers the next packet at once', () => {
    const r = new ReceiveBuffer(10, 100);
    const res = r.receive(11, b(1), false, ROOM);
    expect(res.status).toBe('in-order');
    expect(flat(res.chunks)).toEqual([1]);
    expect(r.ackNr).toBe(11);
  });

  it('holds packets past a hole and releases them in order when it fills', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.receive(13, b(3), false, ROOM).status).toBe('out-of-order');
    expect(r.receive(12, b(2), false, ROOM).status).toBe('out-of-order');
    expect(r.reorderBytes).toBe(2);
    expect(flat(r.receive(11, b(1), false, ROOM).chunks)).toEqual([1, 2, 3]);
    expect(r.ackNr).toBe(13);
    expect(r.reorderBytes).toBe(0);
  });

  it('wraps from seq 65535 to 0', () => {
    const r = new ReceiveBuffer(0xfffe, 100);
    expect(r.receive(0, b(2), false, ROOM).status).toBe('out-of-order');
    expect(flat(r.receive(0xffff, b(1), false, ROOM).chunks)).toEqual([1, 2]);
    expect(r.ackNr).toBe(0);
  });

  it('calls an old seq a duplicate', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.receive(10, b(1), false, ROOM).status).toBe('duplicate');
    expect(r.receive(5, b(1), false, ROOM).status).toBe('duplicate');
  });

  it('refuses a seq beyond the reorder window', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.receive(10 + 101, b(1), false, ROOM).status).toBe('too-far');
    expect(r.receive(10 + 100, b(1), false, ROOM).status).toBe('out-of-order');
  });

  it('refuses an out-of-order packet that does not fit the buffer', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.receive(12, b(1, 2, 3), false, 2).status).toBe('no-room');
    expect(r.reorderBytes).toBe(0);
  });

  it('does not hold the same out-of-order packet twice', () => {
    const r = new ReceiveBuffer(10, 100);
    r.receive(12, b(1), false, ROOM);
    r.receive(12, b(1), false, ROOM);
    expect(r.reorderBytes).toBe(1);
  });

  it('finishes at a FIN that arrived before the data in front of it', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.receive(12, b(), true, ROOM).status).toBe('out-of-order');
    expect(r.finished).toBe(false);
    expect(flat(r.receive(11, b(1), false, ROOM).chunks)).toEqual([1]);
    expect(r.finished).toBe(true);
    expect(r.ackNr).toBe(12);
  });

  it('drops data numbered after the FIN, held or new', () => {
    const r = new ReceiveBuffer(10, 100);
    r.receive(14, b(9), false, ROOM);
    r.receive(12, b(), true, ROOM);
    expect(r.reorderBytes).toBe(0);
    expect(r.receive(13, b(9), false, ROOM).status).toBe('past-fin');
  });

  it('selective ack: bit i is ack_nr + 2 + i, LSB first, a multiple of 4 bytes', () => {
    const r = new ReceiveBuffer(10, 100);
    expect(r.sack(128)).toBeUndefined();
    r.receive(12, b(1), false, ROOM); // bit 0
    r.receive(14, b(1), false, ROOM); // bit 2
    r.receive(21, b(1), false, ROOM); // bit 9
    const mask = r.sack(128)!;
    expect(mask.length).toBe(4);
    expect([...mask]).toEqual([0b101, 0b10, 0, 0]);
  });

  it('selective ack grows in steps of 4 bytes and stops at the cap', () => {
    const r = new ReceiveBuffer(10, 1000);
    r.receive(10 + 2 + 40, b(1), false, ROOM);
    expect(r.sack(128)!.length).toBe(8);
    r.receive(10 + 2 + 900, b(1), false, ROOM);
    expect(r.sack(16)!.length).toBe(16);
  });
});
