/**
 * Failures in the storage worker cross postMessage as plain `{ name, message }` (DOMExceptions
 * do not keep their class); here they become the engine's StorageError kinds, with a message a
 * user can act on.
 */
import { StorageError } from '../interfaces/storage.js';

/** What the worker sends back for a failed request. `kind` is set when it already knows. */
export interface WorkerFailure {
  name: string;
  message: string;
  kind?: StorageError['kind'];
}

export function toWorkerFailure(error: unknown): WorkerFailure {
  if (error instanceof StorageError) return { name: error.name, message: error.message, kind: error.kind };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function toStorageError(failure: WorkerFailure, action: string, path: string): StorageError {
  if (failure.kind) return new StorageError(failure.kind, failure.message);
  const what = `cannot ${action} ${path}`;
  switch (failure.name) {
    case 'QuotaExceededError':
      return new StorageError(
        'no-space',
        `browser storage is full: ${what}; free disk space or remove finished torrents, then resume`,
      );
    case 'NotFoundError':
      return new StorageError('not-found', `${what}: it does not exist`);
    case 'NoModificationAllowedError':
      // createSyncAccessHandle takes an exclusive lock: another tab, worker or extension page holds it.
      return new StorageError(
        'io',
        `${what}: the file is locked by another TorrentEdge page or worker; close it and retry`,
      );
    case 'TypeMismatchError':
      return new StorageError('io', `${what}: a file and a folder have the same name`);
    case 'SecurityError':
    case 'NotAllowedError':
      return new StorageError('permission', `${what}: the browser denied access to its storage (${failure.message})`);
    default:
      return new StorageError('io', `${what}: ${failure.name}: ${failure.message}`);
  }
}
