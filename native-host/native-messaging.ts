/**
 * Chrome native messaging on stdio: each message is a 4-byte little-endian length and that
 * many bytes of UTF-8 JSON. Chrome caps host→browser messages at 1 MB; we cap browser→host
 * ones at the same size, since control messages are tiny.
 */
import type { Readable, Writable } from 'node:stream';

export const MAX_NATIVE_MESSAGE_BYTES = 1024 * 1024;

export type NativeMessage = Record<string, unknown>;

export class NativeMessaging {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly handlers: {
      message(message: NativeMessage): void;
      /** stdin ended (the browser closed the port) or sent something unreadable. */
      end(reason: string): void;
    },
  ) {
    input.on('data', (chunk: Buffer) => this.receive(chunk));
    input.on('end', () => handlers.end('stdin closed'));
    input.on('error', (error: Error) => handlers.end(`stdin failed: ${error.message}`));
  }

  send(message: NativeMessage): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    if (body.length > MAX_NATIVE_MESSAGE_BYTES) throw new Error(`native message of ${body.length} bytes exceeds Chrome's 1 MB limit`);
    const frame = Buffer.allocUnsafe(4 + body.length);
    frame.writeUInt32LE(body.length, 0);
    body.copy(frame, 4);
    this.output.write(frame);
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32LE(0);
      if (length > MAX_NATIVE_MESSAGE_BYTES) {
        this.fail(`native message of ${length} bytes exceeds ${MAX_NATIVE_MESSAGE_BYTES}`);
        return;
      }
      if (this.pending.length < 4 + length) return;
      const body = this.pending.subarray(4, 4 + length).toString('utf8');
      this.pending = this.pending.subarray(4 + length);
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch {
        this.fail('native message is not JSON');
        return;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        this.send({ type: 'error', message: 'native message must be a JSON object' });
        continue;
      }
      this.handlers.message(message as NativeMessage);
    }
  }

  private fail(reason: string): void {
    this.pending = Buffer.alloc(0);
    this.input.removeAllListeners('data');
    this.handlers.end(reason);
  }
}
