/**
 * The offscreen document's side of streaming: answers the service worker's open/read/close over
 * the stream BroadcastChannel with the engine's file streams (Torrent.openStream), so a read
 * waits for its pieces, which the picker fetches first.
 */
import type { FileStream } from '../../engine/session/file-streams.js';
import type { Torrent } from '../../engine/session/torrent.js';
import { errorMessage } from '../../engine/util/errors.js';
import { STREAM_CHANNEL, isStreamRequest, type StreamReply, type StreamRequest } from '../stream/stream-protocol.js';

/** Open streams at most (players, seeks in flight); the oldest is closed past this. */
const MAX_OPEN_STREAMS = 16;

export class StreamService {
  private readonly streams = new Map<string, { stream: FileStream; torrentName: string }>();
  private readonly channel: BroadcastChannel;

  constructor(private readonly find: (infoHash: string) => Torrent | undefined) {
    this.channel = new BroadcastChannel(STREAM_CHANNEL);
    this.channel.onmessage = (event: MessageEvent) => {
      if (isStreamRequest(event.data)) this.handle(event.data);
    };
  }

  get openCount(): number {
    return this.streams.size;
  }

  private reply(message: StreamReply): void {
    this.channel.postMessage(message);
  }

  private handle(m: StreamRequest): void {
    switch (m.type) {
      case 'open':
        return this.open(m.id, m.infoHash, m.fileIndex);
      case 'read': {
        const open = this.streams.get(m.id);
        if (!open) return this.reply({ type: 'failed', id: m.id, seq: m.seq, error: 'This stream is not open (the engine restarted?).' });
        open.stream.read(m.offset, m.length).then(
          (bytes) => this.reply({ type: 'data', id: m.id, seq: m.seq, bytes }),
          (error) => this.reply({ type: 'failed', id: m.id, seq: m.seq, error: errorMessage(error) }),
        );
        return;
      }
      case 'close':
        this.streams.get(m.id)?.stream.close('the player closed the stream');
        this.streams.delete(m.id);
        return;
    }
  }

  private open(id: string, infoHash: string, fileIndex: number): void {
    // The worker repeats an open until answered (the engine may still be starting): same id, same stream.
    let open = this.streams.get(id);
    if (!open) {
      const torrent = this.find(infoHash);
      // Not running yet (engine starting): no answer, the worker asks again.
      if (!torrent) return;
      try {
        open = { stream: torrent.openStream(fileIndex), torrentName: torrent.meta?.name ?? infoHash };
      } catch (error) {
        return this.reply({ type: 'failed', id, error: errorMessage(error) });
      }
      this.streams.set(id, open);
      if (this.streams.size > MAX_OPEN_STREAMS) {
        const [oldest, value] = this.streams.entries().next().value!;
        value.stream.close('too many open streams');
        this.streams.delete(oldest);
      }
    }
    const file = open.stream.file;
    this.reply({ type: 'opened', id, size: file.length, path: file.path, name: file.path.slice(file.path.lastIndexOf('/') + 1), torrentName: open.torrentName });
  }
}
