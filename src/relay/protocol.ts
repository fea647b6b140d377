/**
 * The relay's binary frame codec (docs/relay-protocol.md). A frame is `op u8, stream u32
 * (big-endian)`, then the op's fields; a WebSocket binary message is one frame or a BATCH of
 * them (batch.ts). Every op has an exact length
 * rule, checked before any field is read; anything else is a RelayProtocolError, which closes
 * the connection that sent it. Pure TypeScript: runs in the host (Node) and the browser.
 */
import { fromUtf8Strict, readUint16BE, readUint32BE, utf8, writeUint16BE, writeUint32BE } from '../engine/util/bytes.js';
import type { RelayLimits } from './limits.js';

/**
 * 4: UDP_JOIN (multicast for local service discovery). 3: 1 MiB DATA, 4 MiB windows. 2: BATCH.
 * The client sends its version; the host serves MIN_RELAY_PROTOCOL_VERSION..RELAY_PROTOCOL_VERSION
 * and answers with the client's, or refuses at the hello (4002) with both versions named.
 */
export const RELAY_PROTOCOL_VERSION = 4;
/** The oldest client version a host still serves (a version-3 client never sends UDP_JOIN). */
export const MIN_RELAY_PROTOCOL_VERSION = 3;
/** The first version with UDP_JOIN. */
export const UDP_JOIN_SINCE_VERSION = 4;
/** The WebSocket subprotocol both sides speak; the secret travels beside it as `secret.<hex>`. */
export const RELAY_SUBPROTOCOL = 'torrentedge-relay.v1';
export const SECRET_PROTOCOL_PREFIX = 'secret.';

export const Op = {
  // client → host
  HELLO: 0x01,
  TCP_CONNECT: 0x02,
  TCP_LISTEN: 0x03,
  UDP_BIND: 0x04,
  UDP_SEND: 0x05,
  UDP_JOIN: 0x06,
  // both ways
  DATA: 0x10,
  CREDIT: 0x11,
  END: 0x12,
  CLOSE: 0x13,
  // host → client
  HELLO_OK: 0x20,
  CONNECTED: 0x21,
  LISTENING: 0x22,
  ACCEPTED: 0x23,
  BOUND: 0x24,
  UDP_RECV: 0x25,
  // both ways, a container, not a frame (batch.ts)
  BATCH: 0x30,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** Error kinds carried by CLOSE; 'none' is an orderly close. Mirrors NetError's kinds. */
export const CLOSE_KINDS = ['none', 'refused', 'timeout', 'unreachable', 'closed', 'other'] as const;
export type CloseKind = (typeof CLOSE_KINDS)[number];

/** Streams the client opens use 1..2^31-1; streams the host opens (accepted) have the top bit. */
export const HOST_STREAM_BIT = 0x8000_0000;
export const HEADER_BYTES = 5;
/** CLOSE messages are cut to this many bytes when encoded (limits.maxCloseMessageBytes ≥ it). */
export const CLOSE_MESSAGE_MAX_BYTES = 200;

export type Frame =
  | { op: typeof Op.HELLO; version: number; window: number }
  | { op: typeof Op.TCP_CONNECT; stream: number; port: number; timeoutMs: number; host: string }
  | { op: typeof Op.TCP_LISTEN; stream: number; port: number; host: string }
  | { op: typeof Op.UDP_BIND; stream: number; port: number; host: string }
  | { op: typeof Op.UDP_SEND; stream: number; port: number; host: string; data: Uint8Array }
  /** Join `group` on `port` (reply BOUND); `interfaceAddress` '' lets the host's OS choose. */
  | { op: typeof Op.UDP_JOIN; stream: number; port: number; interfaceAddress: string; group: string }
  | { op: typeof Op.DATA; stream: number; data: Uint8Array }
  | { op: typeof Op.CREDIT; stream: number; bytes: number }
  | { op: typeof Op.END; stream: number }
  | { op: typeof Op.CLOSE; stream: number; kind: CloseKind; message: string }
  | { op: typeof Op.HELLO_OK; version: number; window: number; maxData: number }
  | { op: typeof Op.CONNECTED; stream: number; port: number; address: string }
  | { op: typeof Op.LISTENING; stream: number; port: number }
  | { op: typeof Op.ACCEPTED; stream: number; newStream: number; port: number; address: string }
  | { op: typeof Op.BOUND; stream: number; port: number }
  | { op: typeof Op.UDP_RECV; stream: number; port: number; address: string; data: Uint8Array };

/** Who sent the frame being decoded: each side accepts only the other's ops. */
export type Sender = 'client' | 'host';

export class RelayProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayProtocolError';
  }
}

const CLIENT_OPS = new Set<number>([Op.HELLO, Op.TCP_CONNECT, Op.TCP_LISTEN, Op.UDP_BIND, Op.UDP_SEND, Op.UDP_JOIN, Op.DATA, Op.CREDIT, Op.END, Op.CLOSE]);
const HOST_OPS = new Set<number>([Op.HELLO_OK, Op.CONNECTED, Op.LISTENING, Op.ACCEPTED, Op.BOUND, Op.UDP_RECV, Op.DATA, Op.CREDIT, Op.END, Op.CLOSE]);

/**
 * Decode one frame. Payloads (DATA, UDP data) are views of `bytes`, not copies: the caller
 * owns `bytes` and must not reuse it while the views live.
 */
export function decodeFrame(bytes: Uint8Array, from: Sender, limits: RelayLimits): Frame {
  if (bytes.length < HEADER_BYTES) throw new RelayProtocolError(`frame of ${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (bytes.length > limits.maxFrameBytes) throw new RelayProtocolError(`frame of ${bytes.length} bytes exceeds the ${limits.maxFrameBytes}-byte limit`);
  const op = bytes[0]!;
  if (!(from === 'client' ? CLIENT_OPS : HOST_OPS).has(op)) throw new RelayProtocolError(`op 0x${op.toString(16)} is not valid from the ${from}`);
  const stream = readUint32BE(bytes, 1);
  const name = OP_NAMES[op]!;
  const exact = (n: number): void => {
    if (bytes.length !== n) throw new RelayProtocolError(`${name} must be ${n} bytes, got ${bytes.length}`);
  };
  const atLeast = (n: number): void => {
    if (bytes.length < n) throw new RelayProtocolError(`${name} must be at least ${n} bytes, got ${bytes.length}`);
  };
  if (op === Op.HELLO || op === Op.HELLO_OK) {
    if (stream !== 0) throw new RelayProtocolError(`${name} must use stream 0`);
  } else if (stream === 0) {
    throw new RelayProtocolError(`${name} uses stream 0, which is reserved for the hello`);
  }

  switch (op) {
    case Op.HELLO:
      exact(11);
      return { op, version: readUint16BE(bytes, 5), window: positive(readUint32BE(bytes, 7), 'HELLO window') };
    case Op.HELLO_OK:
      exact(15);
      return {
        op,
        version: readUint16BE(bytes, 5),
        window: positive(readUint32BE(bytes, 7), 'HELLO_OK window'),
        maxData: positive(readUint32BE(bytes, 11), 'HELLO_OK maxData'),
      };
    case Op.TCP_CONNECT:
      atLeast(12);
      return {
        op,
        stream: clientStream(stream, name),
        port: nonZeroPort(readUint16BE(bytes, 5), name),
        timeoutMs: positive(readUint32BE(bytes, 7), 'TCP_CONNECT timeout'),
        host: hostText(bytes.subarray(11), limits, name),
      };
    case Op.TCP_LISTEN:
    case Op.UDP_BIND:
      atLeast(8);
      return { op, stream: clientStream(stream, name), port: readUint16BE(bytes, 5), host: hostText(bytes.subarray(7), limits, name) };
    case Op.UDP_JOIN: {
      atLeast(9);
      const interfaceLength = bytes[7]!;
      atLeast(9 + interfaceLength);
      return {
        op,
        stream: clientStream(stream, name),
        port: nonZeroPort(readUint16BE(bytes, 5), name),
        interfaceAddress: interfaceLength === 0 ? '' : hostText(bytes.subarray(8, 8 + interfaceLength), limits, name),
        group: hostText(bytes.subarray(8 + interfaceLength), limits, name),
      };
    }
    case Op.UDP_SEND:
    case Op.UDP_RECV: {
      atLeast(9);
      const hostLength = bytes[7]!;
      atLeast(8 + hostLength);
      const host = hostText(bytes.subarray(8, 8 + hostLength), limits, name);
      const data = bytes.subarray(8 + hostLength);
      if (data.length > limits.maxDatagramBytes) throw new RelayProtocolError(`${name} datagram of ${data.length} bytes exceeds ${limits.maxDatagramBytes}`);
      const port = nonZeroPort(readUint16BE(bytes, 5), name);
      return op === Op.UDP_SEND ? { op, stream, port, host, data } : { op, stream, port, address: host, data };
    }
    case Op.DATA: {
      const data = bytes.subarray(HEADER_BYTES);
      if (data.length === 0) throw new RelayProtocolError('DATA must carry at least one byte');
      if (data.length > limits.maxDataBytes) throw new RelayProtocolError(`DATA of ${data.length} bytes exceeds ${limits.maxDataBytes}`);
      return { op, stream, data };
    }
    case Op.CREDIT:
      exact(9);
      return { op, stream, bytes: positive(readUint32BE(bytes, 5), 'CREDIT') };
    case Op.END:
      exact(5);
      return { op, stream };
    case Op.CLOSE: {
      atLeast(6);
      const kind = CLOSE_KINDS[bytes[5]!];
      if (kind === undefined) throw new RelayProtocolError(`CLOSE kind ${bytes[5]} is unknown`);
      if (bytes.length - 6 > limits.maxCloseMessageBytes) throw new RelayProtocolError(`CLOSE message exceeds ${limits.maxCloseMessageBytes} bytes`);
      const message = fromUtf8Strict(bytes.subarray(6));
      if (message === null) throw new RelayProtocolError('CLOSE message is not valid UTF-8');
      return { op, stream, kind, message };
    }
    case Op.CONNECTED:
      atLeast(8);
      return { op, stream, port: nonZeroPort(readUint16BE(bytes, 5), name), address: hostText(bytes.subarray(7), limits, name) };
    case Op.LISTENING:
    case Op.BOUND:
      exact(7);
      return { op, stream, port: nonZeroPort(readUint16BE(bytes, 5), name) };
    case Op.ACCEPTED: {
      atLeast(12);
      const newStream = readUint32BE(bytes, 5);
      if ((newStream & HOST_STREAM_BIT) === 0) throw new RelayProtocolError(`ACCEPTED stream ${newStream} lacks the host-stream bit`);
      return {
        op,
        stream: clientStream(stream, name),
        newStream,
        port: nonZeroPort(readUint16BE(bytes, 9), name),
        address: hostText(bytes.subarray(11), limits, name),
      };
    }
    default:
      throw new RelayProtocolError(`op 0x${op.toString(16)} is unknown`);
  }
}

/** Encode one frame as a single buffer (one WebSocket message). */
export function encodeFrame(frame: Frame): Uint8Array {
  switch (frame.op) {
    case Op.HELLO: {
      const out = header(frame.op, 0, 6);
      writeUint16BE(out, 5, frame.version);
      writeUint32BE(out, 7, frame.window);
      return out;
    }
    case Op.HELLO_OK: {
      const out = header(frame.op, 0, 10);
      writeUint16BE(out, 5, frame.version);
      writeUint32BE(out, 7, frame.window);
      writeUint32BE(out, 11, frame.maxData);
      return out;
    }
    case Op.TCP_CONNECT: {
      const host = utf8(frame.host);
      const out = header(frame.op, frame.stream, 6 + host.length);
      writeUint16BE(out, 5, frame.port);
      writeUint32BE(out, 7, frame.timeoutMs);
      out.set(host, 11);
      return out;
    }
    case Op.TCP_LISTEN:
    case Op.UDP_BIND:
    case Op.CONNECTED: {
      const host = utf8(frame.op === Op.CONNECTED ? frame.address : frame.host);
      const out = header(frame.op, frame.stream, 2 + host.length);
      writeUint16BE(out, 5, frame.port);
      out.set(host, 7);
      return out;
    }
    case Op.UDP_JOIN: {
      const iface = utf8(frame.interfaceAddress);
      if (iface.length > 255) throw new RelayProtocolError('UDP_JOIN interface address is too long');
      const group = utf8(frame.group);
      const out = header(frame.op, frame.stream, 3 + iface.length + group.length);
      writeUint16BE(out, 5, frame.port);
      out[7] = iface.length;
      out.set(iface, 8);
      out.set(group, 8 + iface.length);
      return out;
    }
    case Op.UDP_SEND:
    case Op.UDP_RECV:
      return encodeDatagram(frame.op, frame.stream, frame.op === Op.UDP_SEND ? frame.host : frame.address, frame.port, frame.data);
    case Op.DATA:
      return encodeData(frame.stream, frame.data);
    case Op.CREDIT: {
      const out = header(frame.op, frame.stream, 4);
      writeUint32BE(out, 5, frame.bytes);
      return out;
    }
    case Op.END:
      return header(frame.op, frame.stream, 0);
    case Op.CLOSE: {
      const message = truncatedUtf8(frame.message, CLOSE_MESSAGE_MAX_BYTES);
      const out = header(frame.op, frame.stream, 1 + message.length);
      out[5] = CLOSE_KINDS.indexOf(frame.kind);
      out.set(message, 6);
      return out;
    }
    case Op.LISTENING:
    case Op.BOUND: {
      const out = header(frame.op, frame.stream, 2);
      writeUint16BE(out, 5, frame.port);
      return out;
    }
    case Op.ACCEPTED: {
      const address = utf8(frame.address);
      const out = header(frame.op, frame.stream, 6 + address.length);
      writeUint32BE(out, 5, frame.newStream);
      writeUint16BE(out, 9, frame.port);
      out.set(address, 11);
      return out;
    }
  }
}

/** DATA on the hot path: one allocation, one copy of the payload. */
export function encodeData(stream: number, data: Uint8Array): Uint8Array {
  const out = header(Op.DATA, stream, data.length);
  out.set(data, HEADER_BYTES);
  return out;
}

/** Write a DATA header into the first HEADER_BYTES of `frame` (whose payload is already there). */
export function writeDataHeader(frame: Uint8Array, stream: number): void {
  frame[0] = Op.DATA;
  writeUint32BE(frame, 1, stream);
}

function encodeDatagram(op: OpCode, stream: number, hostText: string, port: number, data: Uint8Array): Uint8Array {
  const host = utf8(hostText);
  if (host.length > 255) throw new RelayProtocolError(`host "${hostText.slice(0, 40)}…" is too long`);
  const out = header(op, stream, 3 + host.length + data.length);
  writeUint16BE(out, 5, port);
  out[7] = host.length;
  out.set(host, 8);
  out.set(data, 8 + host.length);
  return out;
}

/** UTF-8 of `text`, cut at a character boundary to at most `max` bytes. */
function truncatedUtf8(text: string, max: number): Uint8Array {
  let bytes = utf8(text);
  let chars = text.length;
  while (bytes.length > max) {
    chars = Math.max(0, chars - Math.max(1, Math.floor((bytes.length - max) / 4)));
    bytes = utf8(text.slice(0, chars));
  }
  return bytes;
}

function header(op: OpCode, stream: number, bodyBytes: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + bodyBytes);
  out[0] = op;
  writeUint32BE(out, 1, stream);
  return out;
}

function positive(value: number, what: string): number {
  if (value === 0) throw new RelayProtocolError(`${what} must not be 0`);
  return value;
}

function nonZeroPort(port: number, what: string): number {
  if (port === 0) throw new RelayProtocolError(`${what} port must not be 0`);
  return port;
}

function clientStream(stream: number, what: string): number {
  if ((stream & HOST_STREAM_BIT) !== 0) throw new RelayProtocolError(`${what} stream ${stream} is in the host's range`);
  return stream;
}

/**
 * Host names and addresses: printable ASCII without spaces (IDNs arrive punycoded; IPv6
 * literals have no brackets). Anything else is malformed, never passed to the resolver.
 */
function hostText(bytes: Uint8Array, limits: RelayLimits, what: string): string {
  if (bytes.length === 0) throw new RelayProtocolError(`${what} host is empty`);
  if (bytes.length > limits.maxHostBytes) throw new RelayProtocolError(`${what} host of ${bytes.length} bytes exceeds ${limits.maxHostBytes}`);
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c <= 0x20 || c >= 0x7f) throw new RelayProtocolError(`${what} host contains byte 0x${c.toString(16)}`);
    text += String.fromCharCode(c);
  }
  return text;
}

const OP_NAMES: readonly string[] = Array.from({ length: 256 }, (_, op) => Object.entries(Op).find(([, code]) => code === op)?.[0] ?? `op 0x${op.toString(16)}`);

export function opName(op: number): string {
  return OP_NAMES[op & 0xff]!;
}
