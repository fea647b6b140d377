import { describe, expect, it } from 'vitest';
import * as enc from '../../../src/engine/wire/message-encoder.js';
import { bytes, parseAll } from './helpers.js';
import { SAMPLES } from './samples.js';

describe('message encoder/parser round trip', () => {
  for (const [message, encoded] of SAMPLES) {
    it(`${message.type}${message.type === 'extended' ? ` ${message.id}` : ''}`, () => {
      expect(parseAll(encoded)).toEqual([message]);
    });
  }

  it('encodes the exact BEP 3 bytes for a request', () => {
    expect([...enc.encodeRequest(1, 2, 3)]).toEqual([0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
  });

  it('keep-alive is four zero bytes', () => {
    expect([...enc.encodeKeepAlive()]).toEqual([0, 0, 0, 0]);
  });

  it('round trips indexes above 2^31 as unsigned', () => {
    expect(parseAll(enc.encodeHave(0xfffffffe))).toEqual([{ type: 'have', index: 0xfffffffe }]);
  });

  it('piece header followed by the block equals the single-buffer piece', () => {
    const block = bytes(16384);
    const header = enc.encodePieceHeader(7, 16384, block.length);
    expect(header.length).toBe(13);
    expect(new Uint8Array([...header, ...block])).toEqual(enc.encodePiece(7, 16384, block));
  });

  it('port 65535 round trips', () => {
    expect(parseAll(enc.encodePort(65535))).toEqual([{ type: 'port', port: 65535 }]);
  });
});
