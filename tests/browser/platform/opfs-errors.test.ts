import { describe, expect, it } from 'vitest';
import { toStorageError, toWorkerFailure } from '../../../src/platform/browser/opfs-errors.js';
import { StorageError } from '../../../src/platform/interfaces/storage.js';

describe('OPFS failures as StorageErrors', () => {
  it('maps QuotaExceededError to no-space with an actionable message', () => {
    const error = toStorageError({ name: 'QuotaExceededError', message: 'quota' }, 'write', 'a/b');
    expect(error.kind).toBe('no-space');
    expect(error.message).toMatch(/^browser storage is full: cannot write a\/b/);
  });

  it('maps NotFoundError to not-found', () => {
    expect(toStorageError({ name: 'NotFoundError', message: '' }, 'read', 'f').kind).toBe('not-found');
  });

  it('maps NoModificationAllowedError (a locked file) to io, saying it is locked', () => {
    const error = toStorageError({ name: 'NoModificationAllowedError', message: '' }, 'write', 'f');
    expect(error.kind).toBe('io');
    expect(error.message).toMatch(/locked by another TorrentEdge page or worker/);
  });

  it('maps SecurityError to permission', () => {
    expect(toStorageError({ name: 'SecurityError', message: 'denied' }, 'write', 'f').kind).toBe('permission');
  });

  it('maps anything else to io, keeping the browser message', () => {
    const error = toStorageError({ name: 'InvalidStateError', message: 'odd' }, 'flush', 'f');
    expect(error.kind).toBe('io');
    expect(error.message).toContain('InvalidStateError: odd');
  });

  it('keeps the kind of a StorageError raised in the worker', () => {
    const failure = toWorkerFailure(new StorageError('outside-root', 'nope'));
    expect(toStorageError(failure, 'write', 'f')).toMatchObject({ kind: 'outside-root', message: 'nope' });
  });

  it('turns a thrown non-Error into a failure with its text', () => {
    expect(toWorkerFailure('boom')).toEqual({ name: 'Error', message: 'boom' });
  });
});
