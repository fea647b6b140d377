import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src/engine/swarm/bitfield.js';
import { TorrentError } from '../../../src/engine/util/errors.js';

function protocolError(fn: () => unknown): TorrentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TorrentError);
    expect((error as TorrentError).kind).toBe('protocol');
    return error as TorrentError;
  }
  throw new Error('expected a protocol error');
}

describe('Bitfield', () => {
  it('piece 0 is the high bit of byte 0 (BEP 3)', () => {
    const b = new Bitfield(10);
    b.set(0);
    b.set(9);
    expect([...b.toBytes()]).toEqual([0x80, 0x40]);
  });

  it('count is kept on set and clear, and setting twice counts once', () => {
    const b = new Bitfield(20);
    b.set(3);
    b.set(3);
    b.set(19);
    expect(b.count).toBe(2);
    b.clear(3);
    b.clear(3);
    expect(b.count).toBe(1);
    expect(b.get(3)).toBe(false);
    expect(b.get(19)).toBe(true);
  });

  it('hasAll and hasNone', () => {
    const b = new Bitfield(3);
    expect(b.hasNone()).toBe(true);
    b.set(0);
    b.set(1);
    expect(b.hasAll()).toBe(false);
    b.set(2);
    expect(b.hasAll()).toBe(true);
  });

  it('an empty torrent bitfield is zero bytes and has all and none', () => {
    const b = Bitfield.fromBytes(new Uint8Array(0), 0);
    expect(b.toBytes().length).toBe(0);
    expect(b.hasAll()).toBe(true);
  });

  it('fromBytes counts the bits', () => {
    const b = Bitfield.fromBytes(Uint8Array.of(0xff, 0xc0), 10);
    expect(b.count).toBe(10);
    expect(b.hasAll()).toBe(true);
  });

  it('fromBytes rejects a payload one byte short', () => {
    expect(protocolError(() => Bitfield.fromBytes(new Uint8Array(1), 10)).message).toMatch(/needs 2/);
  });

  it('fromBytes rejects a payload one byte long', () => {
    protocolError(() => Bitfield.fromBytes(new Uint8Array(3), 10));
  });

  it('fromBytes rejects a spare bit set past the last piece', () => {
    protocolError(() => Bitfield.fromBytes(Uint8Array.of(0x00, 0x20), 10));
  });

  it('fromBytes accepts the last real bit when spare bits are zero', () => {
    expect(Bitfield.fromBytes(Uint8Array.of(0x00, 0x40), 10).get(9)).toBe(true);
  });

  it('a whole last byte has no spare bits', () => {
    expect(Bitfield.fromBytes(Uint8Array.of(0xff), 8).count).toBe(8);
  });

  it('toBytes is a copy', () => {
    const b = new Bitfield(8);
    b.toBytes()[0] = 0xff;
    expect(b.count).toBe(0);
    expect(b.get(0)).toBe(false);
  });

  it('fromBytes copies its input', () => {
    const bytes = Uint8Array.of(0x80);
    const b = Bitfield.fromBytes(bytes, 8);
    bytes[0] = 0;
    expect(b.get(0)).toBe(true);
  });

  it('clone is independent', () => {
    const a = new Bitfield(8);
    a.set(1);
    const b = a.clone();
    b.set(2);
    expect(a.get(2)).toBe(false);
    expect(b.count).toBe(2);
  });

  it('get out of range is false, set out of range throws', () => {
    const b = new Bitfield(8);
    expect(b.get(8)).toBe(false);
    expect(b.get(-1)).toBe(false);
    expect(() => b.set(8)).toThrow(TorrentError);
  });
});
