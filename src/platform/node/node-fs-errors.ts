/** Maps node:fs failures to the engine's StorageError kinds, with messages a user can act on. */
import { StorageError } from '../interfaces/storage.js';

export function toStorageError(error: unknown, path: string, action: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StorageError('no-space', `disk full: cannot ${action} ${path}; free some space and resume`);
    case 'ENOENT':
      return new StorageError('not-found', `cannot ${action} ${path}: it does not exist`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new StorageError('permission', `cannot ${action} ${path}: permission denied`);
    default:
      return new StorageError('io', `cannot ${action} ${path}: ${detail}`);
  }
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
