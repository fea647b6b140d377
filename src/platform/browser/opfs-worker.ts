/**
 * The storage worker: the only place TorrentEdge touches OPFS file contents. It must be a
 * dedicated Worker because `createSyncAccessHandle` exists nowhere else, and sync handles are
 * the only OPFS API that writes in place (createWritable copies the whole file per session).
 * Requests run one at a time in arrival order, so a read after a write sees the write.
 */
import { StorageError } from '../interfaces/storage.js';
import { toWorkerFailure } from './opfs-errors.js';
import { OpfsHandles } from './opfs-handles.js';
import type { PieceSegment } from '../interfaces/storage.js';
import type { OpfsEnvelope, OpfsReply, OpfsRequest, OpfsValue, VerifiedWriteValue } from './opfs-protocol.js';
import { splitPath } from './opfs-paths.js';

/** The worker global, typed by hand: the DOM lib types `self` as a Window. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<OpfsEnvelope[]>) => void) | null;
  postMessage(message: OpfsReply[], transfer: Transferable[]): void;
}

/** Replies are sent when the queue drains, or after this many, so a flood still gets answers. */
const MAX_REPLIES_PER_MESSAGE = 64;

const scope = self as unknown as WorkerScope;
/** Pending requests from `head` on; an index, because shift() on a long batch is O(n). */
let queue: OpfsEnvelope[] = [];
let head = 0;
let replies: OpfsReply[] = [];
let transfers: Transferable[] = [];
let running = false;
let handles: Promise<OpfsHandles> | undefined;

scope.onmessage = (event) => {
  for (const request of event.data) queue.push(request);
  if (!running) void drain();
};

async function drain(): Promise<void> {
  running = true;
  while (head < queue.length) {
    const request = queue[head++]!;
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    let reply: OpfsReply;
    try {
      const value = await run(request);
      if (value instanceof Uint8Array) transfers.push(value.buffer as ArrayBuffer);
      reply = { id: request.id, ok: true, value };
    } catch (error) {
      reply = { id: request.id, ok: false, failure: toWorkerFailure(error) };
    }
    if (request.op === 'write' && request.pooled && request.data.buffer instanceof ArrayBuffer) {
      reply.spare = request.data.buffer;
      transfers.push(reply.spare);
    }
    if (request.op === 'write-if-sha1' && request.data.buffer instanceof ArrayBuffer) {
      reply.lent = request.data.buffer;
      transfers.push(reply.lent);
    }
    replies.push(reply);
    if (replies.length >= MAX_REPLIES_PER_MESSAGE || head === queue.length) sendReplies();
  }
  running = false;
}

function sendReplies(): void {
  scope.postMessage(replies, transfers);
  replies = [];
  transfers = [];
}

async function run(request: OpfsRequest): Promise<OpfsValue> {
  if (request.op === 'init') {
    handles = OpfsHandles.create(request.maxOpenFiles);
    await handles;
    return undefined;
  }
  if (!handles) throw new StorageError('io', 'the storage worker was used before it was initialised');
  const opfs = await handles;
  switch (request.op) {
    case 'read': {
      const handle = await opfs.handle(request.dir, request.path, false);
      const out = new Uint8Array(request.length);
      const got = handle.read(out, { at: request.offset });
      if (got < request.length) {
        throw new StorageError(
          'not-found',
          `cannot read ${request.path}: bytes ${request.offset + got}..${request.offset + request.length} are missing (file too short)`,
        );
      }
      return out;
    }
    case 'write': {
      // No flush here (as in the Node adapter). A sync handle writes straight into the file,
      // so the bytes are visible to every later read and survive the browser or the extension
      // crashing; flush() adds durability only against the OS going down, and costs ~1.5 ms
      // per MiB written (an fsync of the file's dirty pages). The engine calls
      // FileStorage.flush() when a torrent completes and on close. After a crash its resume
      // data vouches only for pieces whose writes had completed when it was saved; pieces it
      // does not vouch for are hash-checked (engine/session/data-check.ts). An OS crash can
      // still lose unflushed bytes of vouched pieces, exactly as with node:fs.
      await writeAt(opfs, request.dir, request.path, request.offset, request.data);
      return undefined;
    }
    case 'write-if-sha1':
      return writeIfSha1(opfs, request.dir, request.data, request.sha1, request.segments);
    case 'size':
      return size(opfs, request.dir, request.path);
    case 'truncate':
      (await opfs.handle(request.dir, request.path, true)).truncate(request.length);
      return undefined;
    case 'flush':
      opfs.flush(request.dir, request.path);
      return undefined;
    case 'remove':
      opfs.close(request.dir, request.path);
      await ignoreNotFound(async () => {
        const parts = splitPath(request.path);
        const name = parts.pop()!;
        await (await opfs.folder([request.dir, ...parts], false)).removeEntry(name);
      });
      return undefined;
    case 'get-file':
      // Closed first: the File snapshot must include everything written, and the lock goes.
      opfs.close(request.dir, request.path);
      return (await opfs.fileHandle(request.dir, request.path, false)).getFile();
    case 'close-dir':
      opfs.close(request.dir);
      return undefined;
    case 'remove-dir':
      opfs.close(request.dir);
      await ignoreNotFound(() => opfs.removeDir(request.dir));
      return undefined;
    case 'close-all':
      opfs.close();
      return undefined;
  }
}

async function writeAt(opfs: OpfsHandles, dir: string, path: string, offset: number, data: Uint8Array): Promise<void> {
  const handle = await opfs.handle(dir, path, true);
  const wrote = handle.write(data, { at: offset });
  // Chrome throws QuotaExceededError on a full quota; a short count means the same.
  if (wrote < data.length) throw new DOMException(`wrote ${wrote} of ${data.length} bytes`, 'QuotaExceededError');
}

/**
 * Hash a piece and write it if it is the right one: the piece was transferred here once, where
 * the old path copied it into a staging buffer for this worker after moving it to a hash worker
 * and back. crypto.subtle.digest runs on this thread (and refuses shared memory: copied first).
 */
async function writeIfSha1(opfs: OpfsHandles, dir: string, data: Uint8Array, sha1: Uint8Array, segments: PieceSegment[]): Promise<VerifiedWriteValue> {
  const input = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : data.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', input));
  if (!sameBytes(digest, sha1)) return { matched: false };
  for (const seg of segments) {
    try {
      await writeAt(opfs, dir, seg.path, seg.offset, data.subarray(seg.pieceOffset, seg.pieceOffset + seg.length));
    } catch (error) {
      return { matched: true, failure: toWorkerFailure(error), failedPath: seg.path };
    }
  }
  return { matched: true };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function size(opfs: OpfsHandles, dir: string, path: string): Promise<number | null> {
  const open = opfs.peek(dir, path);
  if (open) return open.getSize();
  // Not opened for this: a size check must not take the file's lock.
  try {
    return (await (await opfs.fileHandle(dir, path, false)).getFile()).size;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function ignoreNotFound(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotFoundError';
}
