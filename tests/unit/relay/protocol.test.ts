import { describe, expect, it } from 'vitest';
import { relayLimits } from '../../../src/relay/limits.js';
import {
  decodeFrame,
  encodeData,
  encodeFrame,
  HOST_STREAM_BIT,
  Op,
  RelayProtocolError,
  type Frame,
  type Sender,
} from '../../../src/relay/protocol.js';

const limits = relayLimits();
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function roundTrip(frame: Frame, from: Sender): Frame {
  return decodeFrame(encodeFrame(frame), from, limits);
}

function malformed(frame: Uint8Array, from: Sender, message: RegExp, custom = limits): void {
  expect(() => decodeFrame(frame, from, custom)).toThrow(RelayProtocolError);
  expect(() => decodeFrame(frame, from, custom)).toThrow(message);
}

/** Re-encode `frame` with its bytes changed by `edit`. */
function edited(frame: Frame, edit: (out: Uint8Array) => void): Uint8Array {
  const out = encodeFrame(frame).slice();
  edit(out);
  return out;
}

describe('relay frames round-trip', () => {
  const payload = bytes(1, 2, 3, 250);
  const cases: Array<[string, Frame, Sender]> = [
    ['HELLO', { op: Op.HELLO, version: 1, window: 1 << 20 }, 'client'],
    ['HELLO_OK', { op: Op.HELLO_OK, version: 1, window: 1 << 20, maxData: 262_144 }, 'host'],
    ['TCP_CONNECT to a name', { op: Op.TCP_CONNECT, stream: 1, port: 6881, timeoutMs: 10_000, host: 'tracker.example.org' }, 'client'],
    ['TCP_CONNECT to an IPv6 literal', { op: Op.TCP_CONNECT, stream: 2, port: 65535, timeoutMs: 1, host: '2001:db8::1' }, 'client'],
    ['TCP_LISTEN on port 0', { op: Op.TCP_LISTEN, stream: 3, port: 0, host: '0.0.0.0' }, 'client'],
    ['UDP_BIND', { op: Op.UDP_BIND, stream: 0x7fff_ffff, port: 6881, host: '::' }, 'client'],
    ['UDP_SEND', { op: Op.UDP_SEND, stream: 5, port: 6969, host: 'router.bittorrent.com', data: payload }, 'client'],
    ['UDP_JOIN on an interface', { op: Op.UDP_JOIN, stream: 6, port: 6771, interfaceAddress: '127.0.0.1', group: '239.192.152.143' }, 'client'],
    ['UDP_JOIN, IPv6, the OS picks the interface', { op: Op.UDP_JOIN, stream: 7, port: 6771, interfaceAddress: '', group: 'ff15::efc0:988f' }, 'client'],
    ['UDP_SEND with an empty datagram', { op: Op.UDP_SEND, stream: 5, port: 1, host: 'h', data: new Uint8Array(0) }, 'client'],
    ['DATA from the client', { op: Op.DATA, stream: 7, data: payload }, 'client'],
    ['DATA from the host on an accepted stream', { op: Op.DATA, stream: HOST_STREAM_BIT + 1, data: payload }, 'host'],
    ['CREDIT', { op: Op.CREDIT, stream: 7, bytes: 0xffff_ffff }, 'client'],
    ['END', { op: Op.END, stream: 7 }, 'host'],
    ['CLOSE without error', { op: Op.CLOSE, stream: 7, kind: 'none', message: '' }, 'client'],
    ['CLOSE with an error', { op: Op.CLOSE, stream: 7, kind: 'refused', message: 'connect ECONNREFUSED 127.0.0.1:1 – é' }, 'host'],
    ['CONNECTED', { op: Op.CONNECTED, stream: 9, port: 51413, address: '192.0.2.7' }, 'host'],
    ['LISTENING', { op: Op.LISTENING, stream: 9, port: 51413 }, 'host'],
    ['ACCEPTED', { op: Op.ACCEPTED, stream: 9, newStream: 0xffff_fffe, port: 40000, address: '::1' }, 'host'],
    ['BOUND', { op: Op.BOUND, stream: 9, port: 6881 }, 'host'],
    ['UDP_RECV', { op: Op.UDP_RECV, stream: 9, port: 6881, address: '198.51.100.1', data: payload }, 'host'],
  ];
  for (const [name, frame, from] of cases) {
    it(name, () => expect(roundTrip(frame, from)).toEqual(frame));
  }

  it('every close kind', () => {
    for (const kind of ['none', 'refused', 'timeout', 'unreachable', 'closed', 'other'] as const) {
      expect(roundTrip({ op: Op.CLOSE, stream: 1, kind, message: kind }, 'host')).toEqual({ op: Op.CLOSE, stream: 1, kind, message: kind });
    }
  });

  it('DATA payload is a view of the frame, not a copy', () => {
    const frame = encodeData(3, payload);
    const decoded = decodeFrame(frame, 'host', limits) as Extract<Frame, { op: typeof Op.DATA }>;
    expect(decoded.data.buffer).toBe(frame.buffer);
    expect(decoded.data.byteOffset).toBe(5);
  });

  it('DATA of exactly maxDataBytes', () => {
    const data = new Uint8Array(limits.maxDataBytes).fill(7);
    const decoded = roundTrip({ op: Op.DATA, stream: 1, data }, 'client') as Extract<Frame, { op: typeof Op.DATA }>;
    // Compared as bytes: toEqual walks a megabyte element by element (minutes).
    expect({ op: decoded.op, stream: decoded.stream }).toEqual({ op: Op.DATA, stream: 1 });
    expect(Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true);
  });

  it('UDP datagram of exactly maxDatagramBytes', () => {
    const data = new Uint8Array(limits.maxDatagramBytes);
    expect(roundTrip({ op: Op.UDP_SEND, stream: 1, port: 1, host: 'a', data }, 'client')).toMatchObject({ data });
  });

  it('CLOSE message is cut to 200 bytes at a character boundary', () => {
    const decoded = roundTrip({ op: Op.CLOSE, stream: 1, kind: 'other', message: 'é'.repeat(150) }, 'host') as Extract<Frame, { op: typeof Op.CLOSE }>;
    expect(decoded.message).toBe('é'.repeat(100));
  });
});

describe('malformed relay frames', () => {
  it('shorter than the header', () => malformed(bytes(Op.END, 0, 0, 1), 'client', /shorter than the 5-byte header/));
  it('empty message', () => malformed(new Uint8Array(0), 'client', /shorter/));
  it('larger than maxFrameBytes', () => malformed(encodeData(1, new Uint8Array(100)), 'client', /exceeds the 50-byte limit/, relayLimits({ maxFrameBytes: 50 })));
  it('unknown op', () => malformed(bytes(0x7f, 0, 0, 0, 1), 'client', /op 0x7f is not valid from the client/));
  it('host op sent by the client', () => malformed(encodeFrame({ op: Op.CONNECTED, stream: 1, port: 1, address: 'a' }), 'client', /not valid from the client/));
  it('client op sent by the host', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: 1, port: 1, timeoutMs: 1, host: 'a' }), 'host', /not valid from the host/));
  it('stream 0 outside the hello', () => malformed(encodeFrame({ op: Op.END, stream: 0 }), 'client', /stream 0, which is reserved/));

  it('HELLO on a non-zero stream', () => malformed(edited({ op: Op.HELLO, version: 1, window: 1 }, (b) => (b[4] = 1)), 'client', /HELLO must use stream 0/));
  it('HELLO too short', () => malformed(encodeFrame({ op: Op.HELLO, version: 1, window: 1 }).subarray(0, 10), 'client', /HELLO must be 11 bytes, got 10/));
  it('HELLO too long', () => malformed(bytes(...encodeFrame({ op: Op.HELLO, version: 1, window: 1 }), 0), 'client', /HELLO must be 11 bytes, got 12/));
  it('HELLO with window 0', () => malformed(edited({ op: Op.HELLO, version: 1, window: 1 }, (b) => (b[10] = 0)), 'client', /HELLO window must not be 0/));
  it('HELLO_OK too short', () => malformed(encodeFrame({ op: Op.HELLO_OK, version: 1, window: 1, maxData: 1 }).subarray(0, 14), 'host', /HELLO_OK must be 15 bytes/));
  it('HELLO_OK with maxData 0', () => malformed(edited({ op: Op.HELLO_OK, version: 1, window: 1, maxData: 1 }, (b) => (b[14] = 0)), 'host', /maxData must not be 0/));

  it('TCP_CONNECT without a host', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: 1, port: 1, timeoutMs: 1, host: 'a' }).subarray(0, 11), 'client', /at least 12 bytes/));
  it('TCP_CONNECT to port 0', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: 1, port: 0, timeoutMs: 1, host: 'a' }), 'client', /port must not be 0/));
  it('TCP_CONNECT with timeout 0', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: 1, port: 1, timeoutMs: 0, host: 'a' }), 'client', /timeout must not be 0/));
  it('TCP_CONNECT on a host-range stream', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: HOST_STREAM_BIT, port: 1, timeoutMs: 1, host: 'a' }), 'client', /in the host's range/));
  it('UDP_JOIN without a group', () => malformed(encodeFrame({ op: Op.UDP_JOIN, stream: 1, port: 6771, interfaceAddress: '', group: 'g' }).subarray(0, 8), 'client', /UDP_JOIN must be at least 9 bytes/));
  it('UDP_JOIN whose interface length overruns the frame', () =>
    malformed(edited({ op: Op.UDP_JOIN, stream: 1, port: 6771, interfaceAddress: '', group: '239.192.152.143' }, (b) => (b[7] = 200)), 'client', /at least 209 bytes/));
  it('UDP_JOIN on port 0', () => malformed(encodeFrame({ op: Op.UDP_JOIN, stream: 1, port: 0, interfaceAddress: '', group: 'g' }), 'client', /port must not be 0/));
  it('UDP_JOIN sent by the host', () => malformed(encodeFrame({ op: Op.UDP_JOIN, stream: 1, port: 1, interfaceAddress: '', group: 'g' }), 'host', /not valid from the host/));
  it('host with a space', () => malformed(encodeFrame({ op: Op.TCP_CONNECT, stream: 1, port: 1, timeoutMs: 1, host: 'a b' }), 'client', /contains byte 0x20/));
  it('host with a NUL byte', () => malformed(encodeFrame({ op: Op.TCP_LISTEN, stream: 1, port: 1, host: 'a\u0000' }), 'client', /contains byte 0x0/));
  it('host with non-ASCII bytes', () => malformed(encodeFrame({ op: Op.UDP_BIND, stream: 1, port: 1, host: 'bücher.de' }), 'client', /contains byte 0xc3/));
  it('host longer than maxHostBytes', () => malformed(encodeFrame({ op: Op.TCP_LISTEN, stream: 1, port: 1, host: 'a'.repeat(254) }), 'client', /254 bytes exceeds 253/));
  it('TCP_LISTEN without a host', () => malformed(bytes(Op.TCP_LISTEN, 0, 0, 0, 1, 0, 0), 'client', /at least 8 bytes/));
  it('UDP_BIND on a host-range stream', () => malformed(encodeFrame({ op: Op.UDP_BIND, stream: HOST_STREAM_BIT + 5, port: 1, host: 'a' }), 'client', /host's range/));

  it('UDP_SEND whose host length runs past the frame', () =>
    malformed(edited({ op: Op.UDP_SEND, stream: 1, port: 1, host: 'ab', data: new Uint8Array(0) }, (b) => (b[7] = 9)), 'client', /at least 17 bytes/));
  it('UDP_SEND with an empty host', () =>
    malformed(edited({ op: Op.UDP_SEND, stream: 1, port: 1, host: 'a', data: bytes(1) }, (b) => (b[7] = 0)), 'client', /host is empty/));
  it('UDP_SEND to port 0', () => malformed(encodeFrame({ op: Op.UDP_SEND, stream: 1, port: 0, host: 'a', data: bytes(1) }), 'client', /port must not be 0/));
  it('UDP_SEND datagram too large', () =>
    malformed(encodeFrame({ op: Op.UDP_SEND, stream: 1, port: 1, host: 'a', data: new Uint8Array(limits.maxDatagramBytes + 1) }), 'client', /exceeds 65507/));
  it('UDP_RECV too short for the host length', () => malformed(bytes(Op.UDP_RECV, 0, 0, 0, 1, 0, 1), 'host', /at least 9 bytes/));

  it('DATA without payload', () => malformed(bytes(Op.DATA, 0, 0, 0, 1), 'client', /at least one byte/));
  it('DATA over maxDataBytes', () => malformed(encodeData(1, new Uint8Array(limits.maxDataBytes + 1)), 'client', new RegExp(`exceeds ${limits.maxDataBytes}`)));
  it('CREDIT of 0 bytes', () => malformed(encodeFrame({ op: Op.CREDIT, stream: 1, bytes: 0 }), 'client', /CREDIT must not be 0/));
  it('CREDIT too long', () => malformed(bytes(...encodeFrame({ op: Op.CREDIT, stream: 1, bytes: 1 }), 0), 'client', /CREDIT must be 9 bytes/));
  it('END with a body', () => malformed(bytes(Op.END, 0, 0, 0, 1, 0), 'host', /END must be 5 bytes, got 6/));
  it('CLOSE without a kind', () => malformed(bytes(Op.CLOSE, 0, 0, 0, 1), 'client', /at least 6 bytes/));
  it('CLOSE with an unknown kind', () => malformed(bytes(Op.CLOSE, 0, 0, 0, 1, 6), 'client', /CLOSE kind 6 is unknown/));
  it('CLOSE with invalid UTF-8', () => malformed(bytes(Op.CLOSE, 0, 0, 0, 1, 5, 0xff, 0xfe), 'host', /not valid UTF-8/));
  it('CLOSE message too long', () => malformed(bytes(Op.CLOSE, 0, 0, 0, 1, 5, ...new Array(201).fill(0x61)), 'host', /exceeds 200 bytes/));

  it('CONNECTED without an address', () => malformed(bytes(Op.CONNECTED, 0, 0, 0, 1, 0, 1), 'host', /at least 8 bytes/));
  it('CONNECTED from port 0', () => malformed(encodeFrame({ op: Op.CONNECTED, stream: 1, port: 0, address: 'a' }), 'host', /port must not be 0/));
  it('LISTENING with a trailing byte', () => malformed(bytes(Op.LISTENING, 0, 0, 0, 1, 0, 1, 0), 'host', /LISTENING must be 7 bytes/));
  it('LISTENING on port 0', () => malformed(encodeFrame({ op: Op.LISTENING, stream: 1, port: 0 }), 'host', /port must not be 0/));
  it('BOUND too short', () => malformed(bytes(Op.BOUND, 0, 0, 0, 1, 0), 'host', /BOUND must be 7 bytes/));
  it('ACCEPTED with a client-range new stream', () =>
    malformed(encodeFrame({ op: Op.ACCEPTED, stream: 1, newStream: 5, port: 1, address: 'a' }), 'host', /lacks the host-stream bit/));
  it('ACCEPTED for a host-range listener', () =>
    malformed(encodeFrame({ op: Op.ACCEPTED, stream: HOST_STREAM_BIT + 1, newStream: HOST_STREAM_BIT + 2, port: 1, address: 'a' }), 'host', /host's range/));
  it('ACCEPTED without an address', () =>
    malformed(encodeFrame({ op: Op.ACCEPTED, stream: 1, newStream: HOST_STREAM_BIT, port: 1, address: 'a' }).subarray(0, 11), 'host', /at least 12 bytes/));
});
