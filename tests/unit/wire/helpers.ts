import { WireParser, type WireParserOptions } from '../../../src/engine/wire/message-parser.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';

export function collect(options: Partial<WireParserOptions> = {}): { parser: WireParser; messages: WireMessage[] } {
  const messages: WireMessage[] = [];
  const parser = new WireParser((m) => messages.push(m), { expectHandshake: false, ...options });
  return { parser, messages };
}

/** Parse `bytes` pushed in one go. */
export function parseAll(bytes: Uint8Array, options: Partial<WireParserOptions> = {}): WireMessage[] {
  const { parser, messages } = collect(options);
  parser.push(bytes);
  return messages;
}

/** A raw message: length prefix, id, payload. */
export function raw(length: number, id: number, payload: number[] = []): Uint8Array {
  return Uint8Array.from([length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff, id, ...payload]);
}

export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
