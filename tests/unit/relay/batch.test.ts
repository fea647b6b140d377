import { describe, expect, it } from 'vitest';
import { relayLimits } from '../../../src/relay/limits.js';
import { decodeMessage, encodeBatch, FrameBatcher } from '../../../src/relay/batch.js';
import { encodeData, encodeFrame, Op, RelayProtocolError, type Frame, type Sender } from '../../../src/relay/protocol.js';

const limits = relayLimits();
const credit = (stream: number, bytes = 100): Uint8Array => encodeFrame({ op: Op.CREDIT, stream, bytes });
const data = (stream: number, length: number): Uint8Array => encodeData(stream, new Uint8Array(length).fill(stream));

function batchOf(...frames: Uint8Array[]): Uint8Array {
  return encodeBatch(frames, frames.reduce((sum, f) => sum + 4 + f.length, 0));
}

function decodeAll(message: Uint8Array, from: Sender = 'client', custom = limits): Frame[] {
  const out: Frame[] = [];
  decodeMessage(message, from, custom, (frame) => out.push(frame));
  return out;
}

function malformed(message: Uint8Array, pattern: RegExp, custom = limits): void {
  expect(() => decodeAll(message, 'client', custom)).toThrow(RelayProtocolError);
  expect(() => decodeAll(message, 'client', custom)).toThrow(pattern);
}

describe('decodeMessage', () => {
  it('a message that is not a BATCH is one frame', () => {
    expect(decodeAll(credit(3))).toEqual([{ op: Op.CREDIT, stream: 3, bytes: 100 }]);
  });

  it('a BATCH yields its frames in order, DATA payloads as views of the message', () => {
    const message = batchOf(credit(1), data(2, 3), encodeFrame({ op: Op.END, stream: 2 }));
    const frames = decodeAll(message);
    expect(frames.map((f) => f.op)).toEqual([Op.CREDIT, Op.DATA, Op.END]);
    const payload = (frames[1] as Extract<Frame, { op: typeof Op.DATA }>).data;
    expect([...payload]).toEqual([2, 2, 2]);
    expect(payload.buffer).toBe(message.buffer);
  });

  it('a BATCH with no frame', () => malformed(new Uint8Array([Op.BATCH, 0, 0, 0, 0]), /holds no frame/));

  it('a BATCH on a non-zero stream', () => {
    const message = batchOf(credit(1));
    message[4] = 1;
    malformed(message, /BATCH must use stream 0/);
  });

  it('a BATCH cut inside an entry length', () => malformed(new Uint8Array([...batchOf(credit(1)), 0, 0]), /ends inside an entry's length/));

  it('an entry longer than what is left', () => {
    const message = batchOf(credit(1));
    message[8] = 200; // length 9 → 200
    malformed(message, /overruns the message/);
  });

  it('an entry shorter than a frame header is a malformed frame', () => {
    malformed(new Uint8Array([Op.BATCH, 0, 0, 0, 0, 0, 0, 0, 2, Op.END, 0, ...credit(1).slice(2)]), /shorter than the 5-byte header/);
  });

  it('a BATCH inside a BATCH', () => malformed(batchOf(batchOf(credit(1))), /must not contain op 0x30/));

  it('HELLO inside a BATCH (the hello travels alone)', () =>
    malformed(batchOf(encodeFrame({ op: Op.HELLO, version: 2, window: 1 })), /must not contain op 0x1/));

  it('a BATCH larger than maxFrameBytes', () => malformed(batchOf(data(1, 100), data(1, 100)), /exceeds the 150-byte limit/, relayLimits({ maxFrameBytes: 150 })));

  it('a frame from the wrong side inside a BATCH', () => malformed(batchOf(credit(1), encodeFrame({ op: Op.LISTENING, stream: 1, port: 9 })), /not valid from the client/));
});

describe('FrameBatcher', () => {
  function batcher(maxMessageBytes = 1000, aloneFromBytes = 200) {
    const sent: Uint8Array[] = [];
    let scheduled = 0;
    const b = new FrameBatcher({ sendMessage: (m) => sent.push(m), schedule: () => scheduled++, maxMessageBytes, aloneFromBytes });
    return { b, sent, scheduled: () => scheduled };
  }

  it('holds frames until flush, asking for one flush per turn', () => {
    const { b, sent, scheduled } = batcher();
    b.send(credit(1));
    b.send(credit(2));
    expect(sent).toEqual([]);
    expect(scheduled()).toBe(1);
    b.flush();
    expect(sent).toHaveLength(1);
    expect(decodeAll(sent[0]!).map((f) => (f as { stream: number }).stream)).toEqual([1, 2]);
  });

  it('a lone frame leaves unwrapped', () => {
    const { b, sent } = batcher();
    b.send(credit(7));
    b.flush();
    expect(sent).toEqual([credit(7)]);
  });

  it('flush with nothing waiting sends nothing', () => {
    const { b, sent } = batcher();
    b.flush();
    expect(sent).toEqual([]);
  });

  it('a large frame goes alone, after what waited (order kept)', () => {
    const { b, sent } = batcher();
    const big = data(1, 300);
    b.send(credit(1));
    b.send(big);
    expect(sent).toEqual([credit(1), big]);
    expect(b.waiting).toBe(0);
  });

  it('a batch never exceeds maxMessageBytes: the frame that would overflow starts the next one', () => {
    const { b, sent } = batcher(5 + 2 * (4 + 105));
    b.send(data(1, 100));
    b.send(data(2, 100));
    b.send(data(3, 100));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.length).toBe(5 + 2 * (4 + 105));
    b.flush();
    expect(sent[1]).toEqual(data(3, 100));
  });

  it('asks for a new flush after one ran', () => {
    const { b, scheduled } = batcher();
    b.send(credit(1));
    b.flush();
    b.send(credit(2));
    expect(scheduled()).toBe(2);
  });

  it('clear() drops what waited', () => {
    const { b, sent } = batcher();
    b.send(credit(1));
    b.clear();
    b.flush();
    expect(sent).toEqual([]);
  });
});
